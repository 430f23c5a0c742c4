"""The compliance guard: ``check(text, context)`` on every outgoing message.

Three layers, each adding violations, none removing another's:

1. Patterns (``patterns``, ``pii``): precise regexes with exact spans. A hit is always a
   violation; the one exception is a legal-process claim whose action the context
   records as real (``GuardContext.recorded_legal_actions``).
2. The classifier (``model``), per sentence, catches paraphrases the patterns miss; its
   span is the whole sentence.
3. Context rules: right-party (debt facts while ``verified is False``) and quiet hours.

The model is loaded lazily on the first check, once per process. When its file is
missing or was built from other training data, it is rebuilt from ``data/compliance``
(deterministic, 5-15 s on this machine) and saved; ``GuardModelError`` is raised when
that is not possible (no training data, scikit-learn missing).
"""

from __future__ import annotations

import logging
import threading
from datetime import time

from bot.compliance import facts, legal, paths, patterns, pii, rules
from bot.compliance.context import GuardContext
from bot.compliance.model import GuardModelError, LinearModel
from bot.compliance.text import Normalized, normalize, split_sentences
from bot.compliance.verdict import (
    SOURCE_CLASSIFIER,
    SOURCE_CONTEXT,
    SOURCE_PATTERN,
    Verdict,
    Violation,
)

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_model: LinearModel | None = None


def get_model() -> LinearModel:
    """Return the process-wide model, loading (or rebuilding) it on first use.

    Raises:
        GuardModelError: When the model is missing or stale and cannot be rebuilt.
    """
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _load_or_train()
    return _model


def set_model(model: LinearModel | None) -> None:
    """Replace the process-wide model (tests, or a model loaded elsewhere)."""
    global _model
    with _lock:
        _model = model


def _load_or_train() -> LinearModel:
    from bot.compliance import train  # local: training needs scikit-learn

    model_path = paths.MODEL_DIR / paths.MODEL_FILE
    expected = train.training_fingerprint(paths.TRAIN_DIR)
    if model_path.exists():
        model = LinearModel.load(model_path)
        if model.fingerprint == expected:
            logger.info("compliance guard model loaded from %s", model_path)
            return model
        logger.warning("compliance guard model %s is stale; rebuilding it", model_path)
    else:
        logger.warning("compliance guard model %s is missing; building it", model_path)
    try:
        model = train.build_model(paths.TRAIN_DIR)
    except (ImportError, OSError, ValueError) as error:
        raise GuardModelError(
            f"no usable guard model at {model_path} and rebuilding failed ({error}); "
            "run `python -m bot.compliance.train`"
        ) from error
    model.save(model_path)
    return model


def check(text: str, context: GuardContext | None = None) -> Verdict:
    """Check one outgoing message against the collection conduct rules.

    Args:
        text: The message as it would be sent. ``None`` or non-text input is treated as
            its ``str()`` (``None`` as empty), so a bad draft never crashes the guard.
        context: What the conversation knows; None skips the context rules and treats
            every legal-process claim as unrecorded.

    Returns:
        The verdict; ``verdict.ok`` is True when nothing was found.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text.strip():
        return Verdict(text, [])
    norm = normalize(text)
    recorded = frozenset(context.recorded_legal_actions) if context else frozenset()
    found = _pattern_violations(norm, recorded)
    found += _pii_violations(norm)
    found += _classifier_violations(norm, recorded, found)
    if context is not None:
        found += _context_violations(text, norm, context)
    found.sort(key=lambda violation: (violation.start, violation.end, violation.rule))
    return Verdict(text, found)


def _violation(category: str, span: tuple[int, int], source: str, message: str = "") -> Violation:
    return Violation(
        rule=rules.CATEGORY_RULE[category],
        message=message or rules.CATEGORY_MESSAGE[category],
        start=span[0],
        end=span[1],
        category=category,
        source=source,
    )


def _pattern_violations(norm: Normalized, recorded: frozenset[str]) -> list[Violation]:
    found = []
    for hit in patterns.find(norm.text):
        if hit.category == rules.NO_FALSE_LEGAL and hit.action in recorded:
            continue
        found.append(_violation(hit.category, norm.span(hit.start, hit.end), SOURCE_PATTERN))
    return found


def _pii_violations(norm: Normalized) -> list[Violation]:
    found = []
    for hit in pii.find(norm.text):
        what = "身份证号" if hit.kind == pii.KIND_ID else "卡号"
        message = f"消息中含有完整的{what}，必须脱敏（如只显示后四位）后再发送。"
        found.append(
            _violation(rules.PII_MASKING, norm.span(hit.start, hit.end), SOURCE_PATTERN, message)
        )
    return found


def _classifier_violations(
    norm: Normalized, recorded: frozenset[str], already: list[Violation]
) -> list[Violation]:
    model = get_model()
    found = []
    for start, end in split_sentences(norm.text):
        sentence = norm.text[start:end]
        if not any(char.isalpha() for char in sentence):
            continue
        prediction = model.predict(sentence)
        if not prediction.violating:
            continue
        span = norm.span(start, end)
        rule = rules.CATEGORY_RULE[prediction.label]
        if any(v.rule == rule and v.start < span[1] and span[0] < v.end for v in already):
            continue
        if prediction.label == rules.NO_FALSE_LEGAL and recorded:
            mentioned = legal.mentioned_actions(sentence)
            if mentioned and mentioned <= recorded:
                continue
        found.append(_violation(prediction.label, span, SOURCE_CLASSIFIER))
    return found


def _context_violations(text: str, norm: Normalized, context: GuardContext) -> list[Violation]:
    found = []
    if context.verified is False:
        spans = facts.find(norm.text, context.borrower_name, words=not context.general_facts)
        for start, end in spans:
            found.append(_violation(rules.RIGHT_PARTY, norm.span(start, end), SOURCE_CONTEXT))
    if context.local_time is not None and not context.borrower_initiated:
        quiet_start, quiet_end = context.quiet_window()
        if in_window(context.local_time.time(), quiet_start, quiet_end):
            found.append(_violation(rules.QUIET_HOURS, (0, len(text)), SOURCE_CONTEXT))
    return found


def in_window(moment: time, start: time, end: time) -> bool:
    """Tell whether ``moment`` falls in [start, end), a window that may wrap midnight.

    Args:
        moment: Local time of day.
        start: Window start (inclusive).
        end: Window end (exclusive).

    Returns:
        True inside the window.
    """
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end
