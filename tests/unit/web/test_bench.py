from bot.web import bench


def test_measure_runs_every_sample_through_assist_and_the_draft_check():
    stats = bench.measure(rounds=1)
    assert stats["requests"] == len(bench.SAMPLES)
    assert 0 < stats["median"] <= stats["p95"] <= stats["max"]
