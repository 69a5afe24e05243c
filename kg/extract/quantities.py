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
    # Where a figure can start: a marker's first character, or a digit that does not continue a
    # number. The figure pattern, which starts with an optional group, makes the regex engine
    # run its whole matcher at every offset; this one starts with a character class, which the
    # engine skips along in its fast C loop (a marker starting with a digit would need every digit).
    first = "".join(sorted({w[0] for w in before if w}))
    digit_starts = "" if any(c.isdigit() for c in first) else "(?<![0-9.][0-9])"
    starts = re.compile(f"[0-9{re.escape(first)}]{digit_starts}")
    return pattern, starts, units, multipliers


def _figures(pattern: re.Pattern, starts: re.Pattern, text: str, pos: int) -> list[re.Match]:
    """`pattern.finditer(text, pos)`, the pattern tried only where `starts` finds a figure can start."""
    found = []
    match_at = pattern.match
    for candidate in starts.finditer(text, pos):
        at = candidate.start()
        if at < pos:
            continue  # inside the figure found last: finditer resumes at its end (a figure is never empty)
        match = match_at(text, at)
        if match is not None:
            found.append(match)
            pos = match.end()
    return found


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _clause_verbs() -> re.Pattern:
    verbs = sorted(load_words("quantity_clause_verbs.txt"), key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in verbs))


def _is_phrase_char(ch: str) -> bool:
    return _is_cjk(ch) and ch not in _PHRASE_STOPS


def _cjk_class_without(stops: frozenset[str]) -> str:
    """A regex character class of the CJK characters (`_is_cjk`) other than `stops`."""
    ranges, low = [], 0x4E00
    for code in sorted(ord(c) for c in stops if _is_cjk(c)):
        if low < code:
            ranges.append(f"{chr(low)}-{chr(code - 1)}")
        low = code + 1
    if low <= 0x9FFF:
        ranges.append(f"{chr(low)}-{chr(0x9FFF)}")
    return "[" + "".join(ranges) + "]"


# A run of phrase characters (`_is_phrase_char`), matched in C instead of a test per character.
_PHRASE_RUN = re.compile(_cjk_class_without(_PHRASE_STOPS) + "*")


def _counted_after(text: str, at: int) -> str | None:
    """The noun phrase right after the unit, up to punctuation, a function word or a clause verb."""
    end = _PHRASE_RUN.match(text, at, at + _COUNTED_WINDOW).end()
    verb = _clause_verbs().search(text, at + 1, end)  # a verb can't open the phrase: 返乡人才 is fine
    # "38个市直部门共1300余人": 共 before the next figure totals it, it is not part of the noun.
    phrase = text[at:verb.start() if verb else end].removesuffix("共")
    if not verb and end - at == _COUNTED_WINDOW:
        return None  # ran on without a break: a clause, not a name
    return phrase if len(phrase) >= 2 else None


def _counted_before(text: str, at: int) -> str | None:
    """For money (协调资金160万元) and bare counts (培训村民203人): the noun right before the number."""
    # the run of phrase characters ending at `at`, at most the window: read backwards
    start = at - _PHRASE_RUN.match(text[max(0, at - _COUNTED_WINDOW):at][::-1]).end()
    verbs = list(_clause_verbs().finditer(text, start, at))
    if verbs:
        start = verbs[-1].end()
    phrase = text[start:at]
    return phrase if 2 <= len(phrase) <= _BEFORE_MAX else None


_ATTACHABLE_PLACES = ("county", "town", "village", "community")


def _attachable(mentions: tuple[Mention, ...]) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """The programs, the organizations and the places a figure may be attached to, each in order."""
    programs, organizations, places = [], [], []
    for m in mentions:
        if m.type == "program":
            programs.append(m)
        elif m.type == "organization":
            organizations.append(m)
        elif m.type in _ATTACHABLE_PLACES:
            places.append(m)
    return programs, organizations, places


def _in_sentence(lo: int, hi: int, attachable: tuple[list[Mention], ...]) -> tuple[list[Mention], ...]:
    """Each list of `attachable` narrowed to the mentions within original offsets [lo, hi]."""
    return tuple([m for m in wanted if lo <= m.start and m.end <= hi] for wanted in attachable)


@lru_cache(maxsize=4096)
def _key(type_: str, name: str, code: str | None = None) -> EntityKey:
    return EntityKey(type_, name, code)  # shared: figures attach to few entities


def _story_county(mentions: tuple[Mention, ...], locality: Locality) -> EntityKey | None:
    """The story's county, with the division code of the story's own mention of it where there is one."""
    if not locality.county:
        return None
    coded = next((m.code for m in mentions if m.type == "county" and m.name == locality.county and m.code), None)
    return _key("county", locality.county, coded)


def _attached_to(start: int, in_sentence: tuple[list[Mention], ...], text: Normalized,
                 story_county: EntityKey | None) -> EntityKey | None:
    """The program, else the organization nearest the figure at `start` in its sentence
    (`in_sentence`: the sentence's `_attachable` mentions), else the sentence's last place,
    else the story's county."""
    programs, organizations, places = in_sentence
    for candidates in (programs, organizations):
        if candidates:
            m = min(candidates, key=lambda m: abs(m.start - text.origin[start]))
            return _key(m.type, m.name, m.code)
    if places:
        m = places[-1]
        return _key(m.type, m.name, m.code)
    return story_county


@lru_cache(maxsize=4096)
def _value(number: str, multiplier: str | None) -> str:
    """The figure's value as decimal text: the number scaled by its multiplier."""
    multipliers = _rules()[3]
    return format((Decimal(number) * multipliers.get(multiplier or "", Decimal(1))).normalize(), "f")


def find_quantities(article: Article, text: Normalized, locality: Locality,
                    mentions: tuple[Mention, ...]) -> tuple[Quantity, ...]:
    pattern, starts, units, _ = _rules()
    found = []
    t = text.text
    body_from = text.index_of(article.body_start) or 0
    attachable = None  # sorted out on the first figure: most stories report none
    sentences: dict[tuple[int, int], tuple[list[Mention], ...]] = {}  # figures of one sentence share it
    for match in _figures(pattern, starts, t, body_from):
        if attachable is None:
            attachable = _attachable(mentions)
            story_county = _story_county(mentions, locality)
        first, last = match.span()
        unit = match["unit"]
        kind = units[unit]
        counts = _counted_after(t, last) if kind == "count" else None
        # Only a figure that ends its phrase (培训村民203人。) counts what stands before it.
        ends_phrase = last >= len(t) or not _is_phrase_char(t[last])
        if counts is None and kind != "measure" and (kind == "money" or ends_phrase):
            counts = _counted_before(t, first)
        start, end = text.span(first, last)
        left, right = text.sentence_bounds(first, last)
        in_sentence = sentences.get((left, right))
        if in_sentence is None:
            in_sentence = sentences[left, right] = _in_sentence(*text.span(left, right), attachable)
        found.append(Quantity(
            source=article.source,
            article=article.index,
            value=_value(match["number"], match["multiplier"]),
            unit=unit,
            counts=counts,
            approximate=bool(match["before"] or match["after"] or match["after_unit"]),
            text=text.printed[first:last],
            start=start,
            end=end,
            sentence=text.printed[left:right],  # text.sentence(first, last)
            of=_attached_to(first, in_sentence, text, story_county),
        ))
    return tuple(found)
