"""A faster `equivalence.matching.text.fold` for the many texts of an index build.

`fold` walks a text character by character in Python. Here the usual case is done by C string
methods: lower case, canonical decomposition, ``n`` + tilde joined back into ``ñ``, the combining
diacritics (U+0300–U+036F) deleted by one regular expression. A text that still holds another
combining mark afterwards is handed to `fold` itself, so the result is always `fold`'s
(`tests/test_search.py` checks both agree).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from equivalence.matching.text import fold

__all__ = ["fast_fold", "fast_words"]

_WORD: Final = re.compile(r"[a-z0-9ñ]+")
_MARKS: Final = re.compile("[\u0300-\u036f]+")
# `fold` turns a tilde into ñ when the last character it kept is an n (marks are never kept)
_TILDE: Final = re.compile("n[\u0300-\u0302\u0304-\u036f]*\u0303")


def fast_fold(text: str) -> str:
    """Lower case without accents, ñ kept: the same as `equivalence.matching.text.fold`."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    if decomposed.isascii():
        return decomposed
    if "\u0303" in decomposed:
        decomposed = _TILDE.sub("ñ", decomposed)
    folded = _MARKS.sub("", decomposed)
    if not folded.isascii() and any(unicodedata.combining(c) for c in folded if c > "\x7f"):
        return fold(text)
    return folded


def fast_words(text: str) -> list[str]:
    """The folded words of a text, as `equivalence.matching.text.words` finds them."""
    return _WORD.findall(fast_fold(text))
