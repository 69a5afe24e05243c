"""Figures the stories report: `成立61个网格党支部`, `选派2250余名民情书记`, `协调资金160万元`.

A figure is a number, optional multiplier (万/亿), optional approximation
marker (余/多 after, 近/约 before) and a unit from `kg/data/quantity_units.tsv`.
Dates (`2021年`, `7月`) are never figures: calendar words are not units.
The figure is attached to the program of its sentence, else the organization,
else the story's place; what it counts is the noun phrase after the unit, or
for money the noun right before the number, told apart from verbs by a private
jieba part-of-speech tagger over a few characters only (jieba over every
character would be far too slow).
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from kg.model import Article, EntityKey, Locality, Mention, Quantity
from kg.normalize import Normalized
from kg.resources import load_table

_COUNTED_WINDOW = 12  # characters looked at beside a figure for what it counts


@lru_cache(maxsize=1)
def _rules():
    units = {row["unit"]: row["kind"] for row in load_table("quantity_units.tsv")}
    multipliers = {row["multiplier"]: Decimal(row["factor"]) for row in load_table("quantity_multipliers.tsv")}
    markers = load_table("quantity_markers.tsv")
    before = [m["marker"] for m in markers if m["position"] == "before"]
    after = [m["marker"] for m in markers if m["position"] == "after"]

    def alternation(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    pattern = re.compile(
        rf"(?P<before>{alternation(before)})?"
        r"(?<![0-9.])(?P<number>[0-9]+(?:\.[0-9]+)?)"
        rf"(?P<multiplier>{alternation(multipliers)})?"
        rf"(?P<after>{alternation(after)})?"
        rf"(?P<unit>{alternation(units)})"
    )
    return pattern, units, multipliers


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _tagger():
    """A private jieba part-of-speech tagger (never the global one), loaded on the first figure."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO on stderr
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


@lru_cache(maxsize=1)
def _noun_roles() -> dict[str, str]:
    return {row["tag"]: row["role"] for row in load_table("quantity_noun_tags.tsv")}


def _words(phrase: str) -> list[tuple[str, str]]:
    return [(w.word, w.flag) for w in _tagger().cut(phrase)]


def _counted_after(text: str, at: int) -> str | None:
    """The noun phrase right after the unit: nouns, opened by at most one modifier (返乡人才)."""
    roles = _noun_roles()
    words = _words(text[at:at + _COUNTED_WINDOW])
    taken: list[str] = []
    for n, (word, flag) in enumerate(words):
        role = roles.get(flag)
        if role == "noun":
            taken.append(word)
        elif role == "modifier" and not taken and n + 1 < len(words) and roles.get(words[n + 1][1]) == "noun":
            taken.append(word)
        else:
            break
    phrase = "".join(taken)
    return phrase if len(phrase) >= 2 else None


def _counted_before(text: str, at: int) -> str | None:
    """For money (协调资金160万元) and bare counts (培训村民203人): the nouns right before the number."""
    roles = _noun_roles()
    taken: list[str] = []
    for word, flag in reversed(_words(text[max(0, at - _COUNTED_WINDOW):at])):
        if roles.get(flag) != "noun":
            break
        taken.insert(0, word)
    phrase = "".join(taken)
    return phrase if len(phrase) >= 2 else None


def _attached_to(start: int, end: int, text: Normalized, mentions: tuple[Mention, ...],
                 locality: Locality) -> EntityKey | None:
    left, right = text.sentence_bounds(start, end)
    lo, hi = text.span(left, right)
    in_sentence = [m for m in mentions if lo <= m.start and m.end <= hi]
    for wanted in ("program", "organization"):
        candidates = [m for m in in_sentence if m.type == wanted]
        if candidates:
            m = min(candidates, key=lambda m: abs(m.start - text.origin[start]))
            return EntityKey(m.type, m.name, m.code)
    places = [m for m in in_sentence if m.type in ("county", "town", "village", "community")]
    if places:
        m = places[-1]
        return EntityKey(m.type, m.name, m.code)
    if locality.county:
        return EntityKey("county", locality.county)
    return None


def find_quantities(article: Article, text: Normalized, locality: Locality,
                    mentions: tuple[Mention, ...]) -> tuple[Quantity, ...]:
    pattern, units, multipliers = _rules()
    found = []
    body_from = text.origin.index(article.body_start) if article.body_start in text.origin else 0
    for match in pattern.finditer(text.text, body_from):
        value = Decimal(match["number"]) * multipliers.get(match["multiplier"] or "", Decimal(1))
        unit = match["unit"]
        kind = units[unit]
        counts = _counted_after(text.text, match.end()) if kind == "count" else None
        if counts is None and kind != "measure":
            counts = _counted_before(text.text, match.start())
        start, end = text.span(match.start(), match.end())
        found.append(Quantity(
            source=article.source,
            article=article.index,
            value=format(value.normalize(), "f"),
            unit=unit,
            counts=counts,
            approximate=bool(match["before"] or match["after"]),
            text=text.printed[match.start():match.end()],
            start=start,
            end=end,
            sentence=text.sentence(match.start(), match.end()),
            of=_attached_to(match.start(), match.end(), text, mentions, locality),
        ))
    return tuple(found)
