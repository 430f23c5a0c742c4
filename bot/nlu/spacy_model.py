"""Builds the blank spaCy ``zh`` pipeline with the jieba segmenter that ``SpacyNLP`` loads.

Usage::

    python -m bot.nlu.spacy_model var/spacy/zh_jieba

Works offline: a blank pipeline needs no download, and jieba ships its dictionary (spaCy's
default ``pkuseg`` segmenter would download a model). Idempotent: an existing pipeline with
the same configuration is left alone. Set ``TMPDIR`` to a writable folder; jieba caches its
prefix dictionary there.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

SEGMENTER = "jieba"
_MODEL_FILES = ("config.cfg", "meta.json")


def blank_config() -> str:
    """Returns the spaCy config of the pipeline this module builds.

    Returns:
        The config as spaCy writes it to ``config.cfg``.
    """
    return _blank_pipeline().config.to_str()


def build(output_dir: Path) -> bool:
    """Saves the blank ``zh`` pipeline to ``output_dir`` unless it is already there.

    Args:
        output_dir: Target folder; created if missing. An existing folder is replaced
            only if it holds a spaCy pipeline with a different config.

    Returns:
        True if the pipeline was (re)built, False if it was already up to date.

    Raises:
        FileExistsError: If ``output_dir`` exists and is not a spaCy pipeline folder.
    """
    nlp = _blank_pipeline()
    config = nlp.config.to_str()
    if _is_up_to_date(output_dir, config):
        logger.info("spaCy pipeline at %s is up to date", output_dir)
        return False
    if output_dir.exists() and any(output_dir.iterdir()) and not _is_pipeline(output_dir):
        raise FileExistsError(f"{output_dir} exists and is not a spaCy pipeline folder")

    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}-", dir=output_dir.parent))
    try:
        nlp.to_disk(staging)
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staging.rename(output_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    logger.info("Saved blank zh pipeline (segmenter %s) to %s", SEGMENTER, output_dir)
    return True


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="folder to save the pipeline to")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    built = build(args.output_dir)
    print(f"{'built' if built else 'up to date'}: {args.output_dir}")
    return 0


def _blank_pipeline() -> Language:
    import spacy  # imported here: loading spaCy is slow and only the build needs it

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": SEGMENTER}}})


def _is_pipeline(folder: Path) -> bool:
    return all((folder / name).is_file() for name in _MODEL_FILES)


def _is_up_to_date(folder: Path, config: str) -> bool:
    if not _is_pipeline(folder):
        return False
    return (folder / "config.cfg").read_text(encoding="utf-8") == config


if __name__ == "__main__":
    raise SystemExit(main())
