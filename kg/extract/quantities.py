"""Figures the stories report: `成立61个网格党支部`, `选派2250余名民情书记`, `协调资金160万元`.

A figure is a number, optional multiplier (万/亿), optional approximation
marker (余/多 after, 近/约 before) and a unit from `kg/data/quantity_units.tsv`.
Dates (`2021年`, `7月`) are never figures: calendar words are not units.
The figure is attached to the program of its sentence, else the organization,
else the story's place; what it counts is the noun phrase after the unit, or
for money the noun right before the number.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from kg.model import Article, EntityKey, Locality, Mention, Quantity
from kg.normalize import Normalized
from kg.resources import load_table, load_words

_COUNTED_MAX = 8  # a longer run is a clause, not the name of what is counted
_PRECEDING_MAX = 4


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
    stops = frozenset("".join(load_words("quantity_counted_stops.txt")))
    return pattern, units, multipliers, stops


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _counted_after(text: str, at: int, stops: frozenset[str]) -> str | None:
    end = at
    while end < len(text) and end - at < _COUNTED_MAX and _is_cjk(text[end]) and text[end] not in stops:
        end += 1
    if end < len(text) and end - at == _COUNTED_MAX and _is_cjk(text[end]):
        return None  # ran into a clause: no clean noun phrase
    return text[at:end] or None


def _counted_before(text: str, at: int, stops: frozenset[str]) -> str | None:
    start = at
    while start > 0 and at - start < _PRECEDING_MAX and _is_cjk(text[start - 1]) and text[start - 1] not in stops:
        start -= 1
    phrase = text[start:at]
    if len(phrase) < 2:
        return None
    # A full run is usually verb + noun (协调资金, 培训村民): the noun is its last two characters.
    return phrase[-2:] if len(phrase) == _PRECEDING_MAX else phrase


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
    pattern, units, multipliers, stops = _rules()
    found = []
    body_from = text.origin.index(article.body_start) if article.body_start in text.origin else 0
    for match in pattern.finditer(text.text, body_from):
        value = Decimal(match["number"]) * multipliers.get(match["multiplier"] or "", Decimal(1))
        unit = match["unit"]
        kind = units[unit]
        counts = _counted_after(text.text, match.end(), stops) if kind == "count" else None
        if counts is None and kind != "measure":
            counts = _counted_before(text.text, match.start(), stops)
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
