"""Latency benchmark of agent assist: ``python -m bot.web.bench``.

Times what the web app does for one agent request after Rasa has parsed the message: the
situation, the assistant's own answer (a read-only preview), the approved scripts with their
placeholders filled from the ledger, and a draft check. Parses come from the entity extractor
and a fixed intent per sample, so no Rasa server is needed; Rasa's parse adds its own time
(a few tens of milliseconds with the trained model). Target: an agent gets suggestions in under a
second. A benchmark, not a test: it reports, it does not fail.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.assist.drafts import draft_check
from bot.assist.parsing import Parsed
from bot.assist.suggestions import advise
from bot.clock import local_now
from bot.db.demo import main as prepare_database
from bot.db.settings import make_engine, make_session_factory
from bot.nlu.entities import extract_entities
from bot.policy import load_policy
from bot.scripts import load_library

TARGET_MS = 1000.0
SAMPLES = (
    ("我想分12期", "request_installment"),
    ("每个月最多还800", "offer_amount"),
    ("我明天还1258", "promise_to_pay"),
    ("我还欠多少钱", "ask_balance"),
    ("滞纳金能不能免", "request_fee_waiver"),
    ("我失业了，实在还不上", "financial_hardship"),
    ("这笔不是我刷的", "dispute_debt"),
    ("转人工", "request_human"),
)
DRAFTS = (
    "再不还就让你坐牢",
    "请您通过手机银行App还款，谢谢",
    "可以为您申请分期，是否批准以银行审核为准",
)


def measure(rounds: int = 20) -> dict[str, float]:
    """Milliseconds per assist request (suggestions + one draft check), over ``rounds`` passes."""
    policy = load_policy()
    library = load_library()
    now = local_now(policy.time_zone)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        prepare_database(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        timings = []
        for index in range(rounds * len(SAMPLES)):
            text, intent = SAMPLES[index % len(SAMPLES)]
            started = time.perf_counter()
            entities = tuple(dict(e) for e in extract_entities(text, now.date()))
            parsed = Parsed(text, intent, 0.95, raw_entities=entities)
            with factory() as session:
                advise(
                    session,
                    parsed,
                    (),
                    1,
                    library=library,
                    policy=policy,
                    now=now,
                    low_confidence=0.6,
                )
                draft_check(
                    session,
                    DRAFTS[index % len(DRAFTS)],
                    1,
                    library=library,
                    policy=policy,
                    today=now.date(),
                )
            timings.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    timings.sort()
    return {
        "requests": float(len(timings)),
        "mean": statistics.fmean(timings),
        "median": statistics.median(timings),
        "p95": timings[int(0.95 * (len(timings) - 1))],
        "max": timings[-1],
    }


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bot.web.bench")
    parser.add_argument("--rounds", type=int, default=20)
    stats = measure(parser.parse_args(argv).rounds)
    print(
        f"agent assist ({int(stats['requests'])} requests, without Rasa's parse): "
        f"mean {stats['mean']:.1f} ms, median {stats['median']:.1f} ms, "
        f"p95 {stats['p95']:.1f} ms, max {stats['max']:.1f} ms (target < {TARGET_MS:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
