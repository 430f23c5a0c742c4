"""Traditional Chinese characters read as simplified, one character at a time.

Borrowers who write Cantonese often type traditional characters ("會唔會有差人上門"); the phrase
lists of the guard, the answer-fit check and the distress override are written in simplified
characters. ``to_simplified`` maps each traditional character to its usual simplified form with
OpenCC's character table (``opencc-python-reimplemented``, the table of the OpenCC project),
never changing the length, so a span found in the converted text is the span in the original.
OpenCC's phrase tables are not used: they may change the length, and the phrase lists here need
only the characters.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    import opencc  # the package ships its dictionaries as text files

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1 and first != traditional:
            table[ord(traditional)] = first
    return table


def to_simplified(text: str) -> str:
    """``text`` with every traditional character replaced by its simplified form (same length)."""
    return text.translate(_table())
