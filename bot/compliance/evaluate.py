"""Held-out evaluation: ``python -m bot.compliance.evaluate``.

Runs ``check()`` on every sentence of ``tests/compliance`` (never used for training),
each in its own context, and prints per category the recall on violating sentences and
the false-alarm rate on compliant ones (hard negatives filed under the category they
are near). Exits 1 when overall recall < 0.95 or overall false alarms > 0.05.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.compliance import dataset, paths, rules
from bot.compliance.guard import check

MIN_RECALL = 0.95
MAX_FALSE_ALARM = 0.05


@dataclass
class Tally:
    """Counts for one category.

    Attributes:
        violating: Violating sentences seen.
        caught: Violating sentences flagged (any rule).
        right_rule: Violating sentences flagged with the category's own rule.
        compliant: Compliant sentences seen.
        alarms: Compliant sentences flagged.
        missed: Texts of missed violations.
        false: Texts of false alarms, with the rules raised.
    """

    violating: int = 0
    caught: int = 0
    right_rule: int = 0
    compliant: int = 0
    alarms: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of violating sentences flagged."""
        return self.caught / self.violating if self.violating else 1.0

    @property
    def false_alarm(self) -> float:
        """Share of compliant sentences flagged."""
        return self.alarms / self.compliant if self.compliant else 0.0


def evaluate(examples: list[dataset.Example]) -> dict[str, Tally]:
    """Check every example and tally results per category and overall (key ``ALL``).

    Args:
        examples: Labelled examples, each checked in its own context.

    Returns:
        Tallies keyed by category, plus ``ALL``.
    """
    tallies: dict[str, Tally] = defaultdict(Tally)
    for example in examples:
        verdict = check(example.text, example.context)
        for key in (example.category, "ALL"):
            tally = tallies[key]
            if example.violating:
                tally.violating += 1
                tally.caught += not verdict.ok
                expected = rules.CATEGORY_RULE.get(example.category)
                tally.right_rule += expected in verdict.rules
                if verdict.ok:
                    tally.missed.append(example.text)
            else:
                tally.compliant += 1
                tally.alarms += not verdict.ok
                if not verdict.ok:
                    tally.false.append(f"{example.text}  -> {sorted(verdict.rules)}")
    return dict(tallies)


def report(tallies: dict[str, Tally], verbose: bool = False) -> str:
    """Format the tallies as a table (and, when verbose, the misses and alarms)."""
    lines = [
        f"{'category':<22}{'viol':>5}{'recall':>8}{'rule ok':>9}{'compl':>7}{'false al.':>11}",
    ]
    for key in sorted(tallies, key=lambda k: (k == "ALL", k)):
        tally = tallies[key]
        rule_share = tally.right_rule / tally.violating if tally.violating else 1.0
        lines.append(
            f"{key:<22}{tally.violating:>5}{tally.recall:>8.3f}{rule_share:>9.3f}"
            f"{tally.compliant:>7}{tally.false_alarm:>11.3f}"
        )
    if verbose:
        overall = tallies.get("ALL", Tally())
        lines += ["", "missed:"] + [f"  {text}" for text in overall.missed]
        lines += ["false alarms:"] + [f"  {text}" for text in overall.false]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Evaluate on the held-out split; return 1 when below target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=paths.TEST_DIR, help="labelled data dir")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and alarms")
    args = parser.parse_args(argv)
    tallies = evaluate(dataset.load_dir(args.data))
    print(report(tallies, args.verbose))
    overall = tallies.get("ALL", Tally())
    passed = overall.recall >= MIN_RECALL and overall.false_alarm <= MAX_FALSE_ALARM
    print(
        f"\noverall recall {overall.recall:.3f} (target >= {MIN_RECALL}), "
        f"false alarms {overall.false_alarm:.3f} (target <= {MAX_FALSE_ALARM}): "
        + ("PASS" if passed else "FAIL")
    )
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
