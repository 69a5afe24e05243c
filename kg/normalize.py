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

import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import cached_property

# U+FFFD stands where a page's extraction lost a (usually thin-space) glyph.
_SPACE_LIKE = frozenset(" \t\r\n\f\v\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff\ufffd")

SENTENCE_ENDS = frozenset("。！？；!?;")


def fold_char(ch: str) -> str:
    """Full-width ASCII forms to their half-width letters, digits and signs."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


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

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets `[start, end)` covering normalised `text[start:end]`."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text of length {len(self.text)}")
        return self.origin[start], self.origin[end - 1] + 1

    @cached_property
    def _sentence_starts(self) -> tuple[int, ...]:
        """Indexes where a sentence starts: 0, after sentence punctuation, and at breaks."""
        starts = {0} | {i + 1 for i, ch in enumerate(self.text) if ch in SENTENCE_ENDS} | set(self.breaks)
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


def normalize(text: str, base: int = 0) -> Normalized:
    """Normalise `text`; offsets are reported as `base + index into text`.

    Whitespace is dropped except one space between two ASCII words
    ("APP 客户端" -> "APP客户端", "Party building" stays).
    """
    out: list[str] = []
    printed: list[str] = []
    origin: list[int] = []
    pending_space = False
    for i, raw in enumerate(text):
        if raw in _SPACE_LIKE or raw.isspace() or unicodedata.category(raw) == "Cc":
            pending_space = True
            continue
        ch = fold_char(raw)
        if pending_space and out and _is_ascii_word(out[-1]) and _is_ascii_word(ch):
            out.append(" ")
            printed.append(" ")
            origin.append(base + i - 1)
        pending_space = False
        out.append(ch)
        printed.append(raw)
        origin.append(base + i)
    return Normalized("".join(out), tuple(origin), base + len(text), "".join(printed))


def compact(text: str) -> str:
    """The normalised form of a short string (a headline, a name)."""
    return normalize(text).text
