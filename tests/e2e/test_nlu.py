"""NLU evaluation on the held-out split, through the running model's parse API.

The full report (per-intent P/R/F1, entities, confusions) is printed and written to
results/nlu/; the run fails when intent accuracy is under the floor (NLU_FLOOR, default 0.90).
"""

import asyncio
import os
from pathlib import Path

from bot.nlu.evaluate import evaluate_parses, format_report, load_examples, passes, write_report

ROOT = Path(__file__).resolve().parents[2]
FLOOR = float(os.environ.get("NLU_FLOOR", "0.90"))


def test_intent_accuracy_on_the_held_out_split_reaches_the_floor(stack):
    examples = load_examples(ROOT / "tests" / "nlu")
    report = asyncio.run(evaluate_parses(examples, stack.parse))
    write_report(report, ROOT / "results" / "nlu")
    print(format_report(report))
    assert passes(report, FLOOR), (
        f"intent accuracy {report['intent_accuracy']:.3f} < {FLOOR}\n{format_report(report)}"
    )
