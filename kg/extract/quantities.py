"""Figures the stories report: `成立61个网格党支部`, `选派2250余名民情书记`, `协调资金160万元`.

A figure is a number, optional multiplier (万/亿), optional approximation
marker (余/多 after, 近/约 before) and a unit from `kg/data/quantity_units.tsv`.
Dates (`2021年`, `7月`) are never figures: calendar words are not units.
The figure is attached to the program of its sentence, else the organization,
else the story's place; what it counts is the noun phrase after the unit, or
for money the noun right before the number, bounded by a lexicon of clause
verbs (`kg/data/quantity_clause_verbs.txt`) rather than by a tagger: tagging
the text around every figure cost more than all other stages together.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from kg.model import Article, EntityKey, Locality, Mention, Quantity
from kg.normalize import Normalized
from kg.resources import load_table, load_words

_COUNTED_WINDOW = 12  # characters looked at beside a figure for what it counts
_BEFORE_MAX = 5  # a longer run before a figure is a clause (一线摔打历练800人次), not its noun
# Characters that never stand inside the phrase naming what is counted.
_PHRASE_STOPS = frozenset("的和与及等到在为被将从向给并达每各近约余多不已均都也还又")


@lru_cache(maxsize=1)
def _rules():
    units = {row["unit"]: row["kind"] for row in load_table("quantity_units.tsv")}
    multipliers = {row["multiplier"]: Decimal(row["factor"]) for row in load_table("quantity_multipliers.tsv")}
    markers = load_table("quantity_markers.tsv")
    before = [m["marker"] for m in markers if m["position"] == "before"]
    after = [m["marker"] for m in markers if m["position"] == "after"]
    after_unit = [m["marker"] for m in markers if m["position"] == "after_unit"]

    def alternation(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    pattern = re.compile(
        rf"(?P<before>{alternation(before)})?"
        r"(?<![0-9.])(?P<number>[0-9]+(?:\.[0-9]+)?)"
        rf"(?P<multiplier>{alternation(multipliers)})?"
        rf"(?P<after>{alternation(after)})?"
        rf"(?P<unit>{alternation(units)})"
        rf"(?P<after_unit>{alternation(after_unit)})?"
    )
    return pattern, units, multipliers


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _clause_verbs() -> re.Pattern:
    verbs = sorted(load_words("quantity_clause_verbs.txt"), key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in verbs))


def _is_phrase_char(ch: str) -> bool:
    return _is_cjk(ch) and ch not in _PHRASE_STOPS


def _counted_after(text: str, at: int) -> str | None:
    """The noun phrase right after the unit, up to punctuation, a function word or a clause verb."""
    end = at
    while end < len(text) and end - at < _COUNTED_WINDOW and _is_phrase_char(text[end]):
        end += 1
    verb = _clause_verbs().search(text, at + 1, end)  # a verb can't open the phrase: 返乡人才 is fine
    # "38个市直部门共1300余人": 共 before the next figure totals it, it is not part of the noun.
    phrase = text[at:verb.start() if verb else end].removesuffix("共")
    if not verb and end - at == _COUNTED_WINDOW:
        return None  # ran on without a break: a clause, not a name
    return phrase if len(phrase) >= 2 else None


def _counted_before(text: str, at: int) -> str | None:
    """For money (协调资金160万元) and bare counts (培训村民203人): the noun right before the number."""
    start = at
    while start > 0 and at - start < _COUNTED_WINDOW and _is_phrase_char(text[start - 1]):
        start -= 1
    verbs = list(_clause_verbs().finditer(text, start, at))
    if verbs:
        start = verbs[-1].end()
    phrase = text[start:at]
    return phrase if 2 <= len(phrase) <= _BEFORE_MAX else None


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
    body_from = text.index_of(article.body_start) or 0
    for match in pattern.finditer(text.text, body_from):
        value = Decimal(match["number"]) * multipliers.get(match["multiplier"] or "", Decimal(1))
        unit = match["unit"]
        kind = units[unit]
        counts = _counted_after(text.text, match.end()) if kind == "count" else None
        # Only a figure that ends its phrase (培训村民203人。) counts what stands before it.
        ends_phrase = match.end() >= len(text.text) or not _is_phrase_char(text.text[match.end()])
        if counts is None and kind != "measure" and (kind == "money" or ends_phrase):
            counts = _counted_before(text.text, match.start())
        start, end = text.span(match.start(), match.end())
        found.append(Quantity(
            source=article.source,
            article=article.index,
            value=format(value.normalize(), "f"),
            unit=unit,
            counts=counts,
            approximate=bool(match["before"] or match["after"] or match["after_unit"]),
            text=text.printed[match.start():match.end()],
            start=start,
            end=end,
            sentence=text.sentence(match.start(), match.end()),
            of=_attached_to(match.start(), match.end(), text, mentions, locality),
        ))
    return tuple(found)
