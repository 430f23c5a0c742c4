from bot.compliance import bench


def test_measure_reports_latency_statistics() -> None:
    stats = bench.measure(["请通过官方渠道还款", "老赖", ""], rounds=2)
    assert stats["calls"] == 6
    assert 0 < stats["median"] <= stats["p95"] <= stats["max"]
    assert stats["mean"] > 0
