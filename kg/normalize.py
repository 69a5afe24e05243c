"""Text normalisation that keeps the way back to the original characters.

Printed pages break words across lines ("党\\n建"), put stray spaces inside
Chinese runs ("2 个镇") and mix full- and half-width forms. `normalize`
removes that noise for matching and returns, for every character it keeps,
the offset of the original character it came from.

Every output character comes from exactly one input character (folding is
one-to-one), so `Normalized.span` turns any match in the normalised text
into offsets of the original text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property

# U+FFFD stands where a page's extraction lost a (usually thin-space) glyph.
_SPACE_LIKE = frozenset(" \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff\ufffd")

SENTENCE_ENDS = frozenset("。！？；!?;")
_SENTENCE_END = re.compile("[" + re.escape("".join(sorted(SENTENCE_ENDS))) + "]")


def fold_char(ch: str) -> str:
    """Full-width ASCII forms to their half-width letters, digits and signs."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus `origin[i]`: the original offset of `text[i]`."""

    text: str
    origin: tuple[int, ...]
    original_length: int
    printed: str  # the same characters before width folding, for evidence shown to people
    breaks: frozenset[int] = frozenset()  # indexes where a new sentence starts though no punctuation says so

    def with_breaks(self, breaks) -> "Normalized":
        return replace(self, breaks=self.breaks | frozenset(breaks))

    def index_from(self, offset: int) -> int:
        """Normalised index of the first kept character at or after original `offset` (len(text) if none)."""
        return bisect_left(self.origin, offset)

    def index_of(self, offset: int) -> int | None:
        """Normalised index of the character at original `offset`, or None where it was dropped (a space)."""
        i = bisect_left(self.origin, offset)
        return i if i < len(self.origin) and self.origin[i] == offset else None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets `[start, end)` covering normalised `text[start:end]`."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text of length {len(self.text)}")
        return self.origin[start], self.origin[end - 1] + 1

    @cached_property
    def _sentence_starts(self) -> tuple[int, ...]:
        """Indexes where a sentence starts: 0, after sentence punctuation, and at breaks."""
        starts = {0} | {m.end() for m in _SENTENCE_END.finditer(self.text)} | set(self.breaks)
        return tuple(sorted(i for i in starts if i <= len(self.text)))

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """Normalised bounds of the sentence(s) holding `text[start:end]`."""
        starts = self._sentence_starts
        left = starts[bisect_right(starts, start) - 1]
        at = bisect_left(starts, max(end, start + 1))
        right = starts[at] if at < len(starts) else len(self.text)
        return left, min(right, len(self.text))

    def sentence(self, start: int, end: int) -> str:
        """The printed sentence holding `text[start:end]` (for evidence)."""
        left, right = self.sentence_bounds(start, end)
        return self.printed[left:right]


# Characters `normalize` drops: `\\s` is exactly `str.isspace`; U+0000-U+001F and U+007F-U+009F
# are exactly the control characters (category Cc, a set Unicode never changes).
_DROPPED = "\\s\\x00-\\x1f\\x7f-\\x9f" + "".join(sorted(_SPACE_LIKE))
_KEPT_RUN = re.compile(f"[^{_DROPPED}]+")
_ANY_DROPPED = re.compile(f"[{_DROPPED}]")
_FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLDABLE = re.compile("[\\uff01-\\uff5e]")
_ASCII_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _folded(text: str) -> str:
    """`text` with full-width ASCII forms folded (a search first: most text has none to fold)."""
    return text.translate(_FOLD_TABLE) if _FOLDABLE.search(text) else text


def _kept_runs(text: str) -> list[tuple[int, str, bool]]:
    """(start, printed run, space before) for each run of kept characters: a space goes between
    two runs only where an ASCII word ends one and starts the next (after width folding)."""
    runs: list[tuple[int, str, bool]] = []
    last = ""
    for m in _KEPT_RUN.finditer(text):
        run = m.group()
        first = run[0]
        if _FOLDABLE.match(first):
            first = first.translate(_FOLD_TABLE)
        runs.append((m.start(), run, last in _ASCII_WORD and first in _ASCII_WORD))
        last = run[-1]
        if _FOLDABLE.match(last):
            last = last.translate(_FOLD_TABLE)
    return runs


def normalize(text: str, base: int = 0) -> Normalized:
    """Normalise `text`; offsets are reported as `base + index into text`.

    Whitespace is dropped except one space between two ASCII words
    ("APP 客户端" -> "APP客户端", "Party building" stays).
    """
    if not _ANY_DROPPED.search(text):  # nothing to drop: every character stays where it is
        origin = tuple(range(base, base + len(text)))
        return Normalized(_folded(text), origin, base + len(text), text)
    printed: list[str] = []
    origin: list[int] = []
    for start, run, space in _kept_runs(text):
        if space:
            printed.append(" ")
            origin.append(base + start - 1)
        printed.append(run)
        origin.extend(range(base + start, base + start + len(run)))
    joined = "".join(printed)
    return Normalized(_folded(joined), tuple(origin), base + len(text), joined)


def compact(text: str) -> str:
    """The normalised form of a short string (a headline, a name): `normalize(text).text`."""
    if not _ANY_DROPPED.search(text):
        return _folded(text)
    return _folded("".join(" " + run if space else run for _, run, space in _kept_runs(text)))
