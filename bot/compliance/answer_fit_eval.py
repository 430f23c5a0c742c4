"""Measure the answer-fit check: ``python -m bot.compliance.answer_fit_eval --data FILE``.

Reads labelled (message, reply) pairs::

    pairs:
      - user: 不还钱会坐牢吗
        reply: 可以的。在告知账户信息之前，需要先核实您的身份。
        labels: [affirm_then_refuse, fear_not_denied]
      - user: 会坐牢吗
        reply: 不会。还不上信用卡欠款属于民事纠纷……
        labels: [ok]

runs ``check_reply`` on each, and prints precision and recall per misfit label and overall
(micro-averaged over the misfit labels: every (pair, label) decision counts once), plus the
share of ``[ok]`` pairs flagged. With ``--model`` it first parses each message with the trained
Rasa model and passes the intent, as the runtime does (``GuardContext.borrower_intent``).
Exits 1 when overall precision or recall is under
``--floor`` (default 0.9, the target on held-out pairs), 2 when the file is malformed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.compliance import rules
from bot.compliance.answer_fit import check_reply
from bot.compliance.context import GuardContext

DEFAULT_FLOOR = 0.9
OVERALL = "overall"


class PairsError(ValueError):
    """A pairs file is malformed."""


@dataclass(frozen=True)
class Pair:
    """One labelled pair: the message, the reply, and the misfit labels (empty: fits)."""

    user: str
    reply: str
    labels: frozenset[str]


@dataclass
class Tally:
    """Decisions for one label (or all of them): true and false positives, misses."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of flags that were right (1.0 when nothing was flagged)."""
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Share of true misfits flagged (1.0 when there were none)."""
        actual = self.tp + self.fn
        return self.tp / actual if actual else 1.0


@dataclass
class Report:
    """Tallies per label and overall, and the false alarms on ``[ok]`` pairs."""

    tallies: dict[str, Tally]
    ok_pairs: int = 0
    ok_flagged: int = 0


def parse_pairs(doc: Any, source: str = "pairs") -> list[Pair]:
    """Validate a loaded pairs document.

    Raises:
        PairsError: Not a mapping with a ``pairs`` list, a pair without text, an unknown
            label, or ``ok`` together with a misfit label.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("pairs"), list):
        raise PairsError(f"{source}: expected a mapping with a 'pairs' list")
    known = set(rules.FIT_LABELS)
    pairs = []
    for index, raw in enumerate(doc["pairs"], 1):
        where = f"{source}: pair {index}"
        if not isinstance(raw, dict):
            raise PairsError(f"{where}: expected a mapping")
        user, reply, labels = raw.get("user"), raw.get("reply"), raw.get("labels")
        if not isinstance(user, str) or not isinstance(reply, str) or not reply.strip():
            raise PairsError(f"{where}: 'user' and 'reply' must be texts")
        if not isinstance(labels, list) or not labels:
            raise PairsError(f"{where}: 'labels' must be a non-empty list")
        names = {str(label) for label in labels}
        unknown = names - known - {rules.FIT_OK}
        if unknown:
            raise PairsError(f"{where}: unknown labels {sorted(unknown)}")
        if rules.FIT_OK in names and len(names) > 1:
            raise PairsError(f"{where}: 'ok' cannot be combined with a misfit label")
        pairs.append(Pair(user, reply, frozenset(names - {rules.FIT_OK})))
    return pairs


def load_pairs(path: Path) -> list[Pair]:
    """Read and validate a pairs file (see the module docstring)."""
    with path.open(encoding="utf-8") as handle:
        return parse_pairs(yaml.safe_load(handle), path.name)


def evaluate(
    pairs: Iterable[Pair],
    intents: Mapping[str, tuple[str, float]] | None = None,
    *,
    learned: bool = False,
) -> Report:
    """Run ``check_reply`` on every pair and tally its decisions.

    Args:
        pairs: The labelled pairs.
        intents: The NLU's intent for each borrower message (as the runtime passes it in
            ``GuardContext.borrower_intent``); None checks the words alone.
        learned: Also the learned model, as the agent desk checks a person's message.
    """
    tallies = {label: Tally() for label in (*rules.FIT_LABELS, OVERALL)}
    report = Report(tallies)
    for pair in pairs:
        intent, confidence = (intents or {}).get(pair.user, (None, 1.0))
        context = GuardContext(borrower_intent=intent, borrower_intent_confidence=confidence)
        found = set(check_reply(pair.user, pair.reply, context, learned=learned).labels)
        if not pair.labels:
            report.ok_pairs += 1
            report.ok_flagged += bool(found)
        for label in rules.FIT_LABELS:
            expected, got = label in pair.labels, label in found
            if expected == got and not expected:
                continue
            kind = "tp" if expected and got else "fn" if expected else "fp"
            for key in (label, OVERALL):
                setattr(tallies[key], kind, getattr(tallies[key], kind) + 1)
            if kind != "tp":
                tallies[label].errors.append(f"{kind} {pair.user}  =>  {pair.reply}")
    return report


def format_report(report: Report, verbose: bool = False) -> str:
    """The table of precision and recall (and, when verbose, every error)."""
    lines = [f"{'label':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"]
    for label, tally in report.tallies.items():
        lines.append(
            f"{label:<22}{tally.tp:>5}{tally.fp:>5}{tally.fn:>5}"
            f"{tally.precision:>11.3f}{tally.recall:>8.3f}"
        )
    share = report.ok_flagged / report.ok_pairs if report.ok_pairs else 0.0
    lines.append(f"[ok] pairs flagged: {report.ok_flagged}/{report.ok_pairs} ({share:.3f})")
    if verbose:
        for label in rules.FIT_LABELS:
            lines += [f"  {label}: {error}" for error in report.tallies[label].errors]
    return "\n".join(lines)


def parse_intents(model: Path, texts: Iterable[str]) -> dict[str, tuple[str, float]]:
    """The intent and confidence a trained Rasa model gives each text (loads the model)."""
    import asyncio

    from rasa.core.agent import Agent  # heavy: import on use

    async def parse_all() -> dict[str, tuple[str, float]]:
        agent = Agent.load(str(model))
        found = {}
        for text in dict.fromkeys(texts):
            parsed = await agent.parse_message(text)
            intent = parsed["intent"]
            found[text] = (str(intent["name"]), float(intent.get("confidence") or 0.0))
        return found

    return asyncio.run(parse_all())


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate a pairs file; 1 under the floor, 2 on a malformed file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="labelled pairs (YAML)")
    parser.add_argument(
        "--floor", type=float, default=DEFAULT_FLOOR, help="minimum overall precision and recall"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    parser.add_argument(
        "--learned",
        action="store_true",
        help="also the learned model (check_reply(learned=True), as the agent desk checks)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="trained Rasa model: pass its intent for each message, as the runtime does",
    )
    args = parser.parse_args(argv)
    try:
        pairs = load_pairs(args.data)
    except (OSError, yaml.YAMLError, PairsError) as error:
        print(f"cannot read {args.data}: {error}", file=sys.stderr)
        return 2
    intents = parse_intents(args.model, (p.user for p in pairs)) if args.model else None
    report = evaluate(pairs, intents, learned=args.learned)
    print(format_report(report, args.verbose))
    overall = report.tallies[OVERALL]
    passed = overall.precision >= args.floor and overall.recall >= args.floor
    print(
        f"\n{len(pairs)} pairs{' with the NLU intents' if intents else ''}; "
        f"overall precision {overall.precision:.3f}, recall "
        f"{overall.recall:.3f} (floor {args.floor}): " + ("PASS" if passed else "FAIL")
    )
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
