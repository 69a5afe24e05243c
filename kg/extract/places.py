"""Finds the official places an article names, and the place the story is about.

Every surface form of the gazetteer is looked up in the article's normalised text; each
occurrence is then read in context, from the most certain readings to the least:

1. the dateline (`本报梁山讯`) and full names that only one division bears;
2. full names several divisions bear (`鼓楼区`), and short forms (`梁山`, `济南`, `山东`),
   kept only where a place already in context makes them certain;
3. towns (`尼山镇`), read in the county printed right before them, a county of the story,
   a city of the story, or (a name of three characters or more) the only such town in China;
4. villages and communities, from the 济宁 village file where their town or county is in
   context, or as `<name>村`/`<name>社区` printed right after a town, or after a cue (`在`, `走进`)
   later in the town's sentence (`齐乐镇党委在梅湾村试点`): that town is its parent.

Look-alikes (`微山湖`, `水泊梁山`) are rejected by `place_blockers.tsv`, and overlapping
readings are settled by `filter_spans` (longest first, then earliest): `金乡街道` is a town,
not `金乡` + `街道`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence
from weakref import WeakKeyDictionary

from kg.gazetteer import ALIAS, CONTEXT_ALIAS, FULL, SHORT, Division, Gazetteer, Reading
from kg.model import DATELINE_KIND, Article, Link, Locality, Mention
from kg.normalize import Normalized, compact
from kg.resources import load_table, load_words

DATELINE = re.compile(r"本报(?!讯)([\u4e00-\u9fff]{1,8}?)讯")
SHORT_TOWN_NAME = 3  # a town name shorter than this (`口镇`) is only read right after its county
LONE_TOWN_NAME = 4  # a town named with no place around it: shorter names must follow punctuation
SHORT_VILLAGE_NAME = 3  # a village name shorter than this (`东村`) is only read right after its town
GENERIC_VILLAGE = re.compile(r"([\u4e00-\u9fff]{1,3}?)村(?!社区)|([\u4e00-\u9fff]{2,5}?(?:村)?)社区")
# A name read apart from its town has a stem of two characters at least: `本村`, `邻村`, `进村` are words.
CUED_VILLAGE_STEMS = r"([\u4e00-\u9fff]{2,4}?)村(?!社区)|([\u4e00-\u9fff]{2,5}?)社区"
UPPER_TYPES = frozenset(("province", "city", "county"))


class Span(NamedTuple):
    """A reading chosen for one occurrence, in normalised offsets (a named tuple: the finder makes
    thousands a page, and a tuple is made three times faster than a frozen dataclass)."""

    start: int
    end: int
    division: Division | None  # None: a place with a name but no certain row (`鼓楼区`, a new village)
    type: str
    name: str
    parent: tuple[str, str, str | None] | None = None  # (type, name, code) of the place it lies in
    kind: str | None = None
    # (type, name, code) of the place the text puts it in where the gazetteer disagrees (`梁山县纸坊镇`
    # for a 纸坊镇 of 嘉祥县): the official parent is kept, the text's claim is recorded beside it.
    stated_in: tuple[str, str, str | None] | None = None


# ---------------------------------------------------------------- rules
@lru_cache(maxsize=None)
def _blockers() -> dict[tuple[str, str], tuple[re.Pattern[str], ...]]:
    rules: dict[tuple[str, str], list[re.Pattern[str]]] = defaultdict(list)
    for row in load_table("place_blockers.tsv"):
        pattern = row["pattern"]
        if row["side"] == "before":
            pattern = f"(?:{pattern})$"
        rules[(row["applies_to"], row["side"])].append(re.compile(pattern))
    return {k: tuple(v) for k, v in rules.items()}


@lru_cache(maxsize=None)
def _common_words() -> frozenset[str]:
    return frozenset(load_words("place_common_words.txt"))


@lru_cache(maxsize=None)
def _joined_blockers() -> dict[tuple[str, str], re.Pattern[str]]:
    """Each rule group as one alternation: it matches (searches) where any of its rules would, in one
    C-level pass (the rules use no back-references or global flags, so they join unchanged)."""
    return {key: re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
            for key, patterns in _blockers().items() if patterns}


@lru_cache(maxsize=None)
def _blocker(applies_to: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, int]:
    """The joined rules after and before a surface of `applies_to`, and how many of its own last
    characters the rules after it see (a full name's see its last one: "市" + "场")."""
    rules = _joined_blockers()
    return rules.get((applies_to, "after")), rules.get((applies_to, "before")), 1 if applies_to == "full" else 0


def _blocked(applies_to: str, text: str, start: int, end: int) -> bool:
    after_rule, before_rule, seen = _blocker(applies_to)
    if after_rule is not None and after_rule.match(text[end - seen:end + 8]):
        return True
    return before_rule is not None and before_rule.search(text[max(0, start - 8):start]) is not None


def _stem_blocked(stem: str) -> bool:
    return any(p.search(stem) for p in _blockers().get(("generic", "stem"), ()))


@lru_cache(maxsize=None)
def _village_stopwords() -> tuple[frozenset[str], tuple[str, ...]]:
    """Common words read like a village or community name: (exact words, endings)."""
    rows = load_table("place_village_stopwords.tsv")
    return (frozenset(r["word"] for r in rows if r["match"] == "whole"),
            tuple(r["word"] for r in rows if r["match"] == "end"))


def _common_village_word(name: str) -> bool:
    whole, endings = _village_stopwords()
    return name in whole or name.endswith(endings)


@lru_cache(maxsize=None)
def _village_cues() -> tuple[frozenset[str], re.Pattern[str]]:
    """The cues before a village named apart from its town, and the pattern of a cue plus a name."""
    cues = sorted({row["cue"] for row in load_table("place_village_cues.tsv")}, key=len, reverse=True)
    return frozenset(cues), re.compile(f"(?:{'|'.join(map(re.escape, cues))})(?:{CUED_VILLAGE_STEMS})")


def _after_cue(s: str, start: int) -> bool:
    cues, _ = _village_cues()
    return any(s.endswith(cue, 0, start) for cue in cues)


def filter_spans(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans, longest first, then earliest (spaCy's `filter_spans`), in text order."""
    in_order = sorted(spans, key=_span_start)
    if all(before.end <= after.start for before, after in zip(in_order, in_order[1:])):
        return in_order  # no two overlap (the usual case): every span is kept
    taken: list[Span] = []
    used: set[int] = set()
    for span in sorted(in_order, key=lambda s: (-(s.end - s.start), s.start)):
        if used.isdisjoint(range(span.start, span.end)):
            taken.append(span)
            used.update(range(span.start, span.end))
    return sorted(taken, key=_span_start)


def _span_start(span: Span) -> int:
    return span.start


# ---------------------------------------------------------------- context
class _Context:
    """Places the article makes certain so far, and what each implies above it."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.keys: set[str] = set()  # every accepted division and all places above it
        self.counties: list[Division] = []

    def add(self, division: Division) -> None:
        self.keys.update([d.key for d in self.gazetteer.chain(division)])
        if division.type == "county" and division not in self.counties:
            self.counties.append(division)

    def holds(self, division: Division) -> bool:
        return division.key in self.keys

    def under(self, division: Division, type_: str) -> bool:
        """Whether the division's ancestor of `type_` is in context."""
        up = self.gazetteer.ancestor(division, type_)
        return up is not None and up.key in self.keys


def _dateline_bounds(text: str, article: Article) -> tuple[int, int] | None:
    wanted = compact(article.dateline) if article.dateline else None
    for match in DATELINE.finditer(text[:200]):
        if wanted is None or match.group(1) == wanted:
            return match.start(1), match.end(1)
    return None


def _prefer(divisions: Sequence[Division], ctx: _Context) -> list[Division]:
    """The divisions a context supports, most specific support first."""
    for type_ in ("county", "city", "province"):
        held = [d for d in divisions if ctx.holds(d) or (d.type != type_ and ctx.under(d, type_))]
        if held:
            return held
    return []


# ---------------------------------------------------------------- readings of a surface form
class _Surface:
    """What the readings of one surface form offer each step of the finder, worked out once per
    gazetteer and surface form (the same few hundred forms recur page after page)."""

    __slots__ = ("upper", "only_full", "full", "short", "context_zones", "short_counties", "short_cities",
                 "lone_province", "context_keys", "county_name", "towns", "villages", "common", "weak", "how")

    def __init__(self, surface: str, readings: tuple[Reading, ...], gazetteer: Gazetteer):
        upper = [r for r in readings if r.division.type in UPPER_TYPES]
        self.upper = upper  # readings as a province, city or county
        sure = [r for r in upper if r.form in (FULL, ALIAS)]
        # the one division the form names by its full name or a free alias, when it may name no other
        self.only_full = sure[0].division if len(sure) == 1 and len(upper) == 1 else None
        self.full = [r.division for r in sure]
        self.short = [r.division for r in upper if r.form == SHORT]
        self.context_zones = [r.division for r in upper if r.form == CONTEXT_ALIAS]
        self.short_counties = [d for d in self.short if d.type == "county"]
        self.short_cities = [d for d in self.short if d.type == "city"]
        self.lone_province = self.short[0] if len(self.short) == 1 and self.short[0].type == "province" else None
        # every place whose presence in the context could make one of the upper readings certain
        self.context_keys = frozenset(d.key for r in upper for d in gazetteer.chain(r.division))
        counties = {r.division.name for r in sure if r.division.type == "county"}
        self.county_name = counties.pop() if len(counties) == 1 else None  # `鼓楼区`: one name, many rows
        self.towns = [r.division for r in readings if r.division.type == "town"]
        self.villages = [r.division for r in readings if r.division.type in ("village", "community")]
        self.common = surface in _common_words()
        # a full name that alone does not make a place certain (and a look-alike, which the text tells)
        self.weak = self.common or len(surface) <= 2
        if not upper:
            self.how = _NO_UPPER
        elif self.full:
            self.how = _WEAK_FULL if self.weak else _SURE if self.only_full is not None else _FULL
        else:
            self.how = _COMMON_SHORT if self.common else _SHORT


# Surface forms read so far, for each gazetteer (weakly: a gazetteer dropped takes its table along).
_SURFACES: WeakKeyDictionary[Gazetteer, dict[str, _Surface]] = WeakKeyDictionary()


def _surfaces_of(gazetteer: Gazetteer) -> dict[str, _Surface]:
    table = _SURFACES.get(gazetteer)
    if table is None:
        table = _SURFACES[gazetteer] = {}
    return table


# How steps 1 and 2 read an occurrence of a surface form (`_Surface.how`): not at all (no province,
# city or county), as the one division a full name names (step 1), or by the context (step 2, see
# `_read_upper`) as a full name or alias (`full` rules for look-alikes) or a short form or context
# alias (`short` rules).
_NO_UPPER, _SURE, _WEAK_FULL, _FULL, _COMMON_SHORT, _SHORT = range(6)


# ---------------------------------------------------------------- finder
def find_places(article: Article, text: Normalized, gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Mentions of provinces, cities, counties, towns, villages and communities in an article.

    `text` is the normalised article text; offsets of the mentions are original offsets.
    The dateline place is a mention of kind `dateline`.
    """
    s = text.text
    known = _surfaces_of(gazetteer)
    found: dict[tuple[int, int], _Surface] = {}
    for start, end, surface in gazetteer.find_surfaces(s):
        read = known.get(surface)
        if read is None:
            read = known[surface] = _Surface(surface, gazetteer.candidates(surface), gazetteer)
        found[start, end] = read
    ctx = _Context(gazetteer)
    chosen: list[Span] = []

    def accept(start: int, end: int, division: Division, kind: str | None = None) -> None:
        ctx.add(division)
        chosen.append(Span(start, end, division, division.type, division.name, kind=kind))

    # 1. the dateline, full names only one division bears, free aliases of zones
    dateline = _dateline_bounds(s, article)
    if dateline and dateline in found:
        read = found.pop(dateline)
        if len(read.upper) == 1:
            accept(*dateline, read.upper[0].division, DATELINE_KIND)
        elif read.upper:
            found[dateline] = read
    pending: dict[tuple[int, int], _Surface] = {}
    for key, read in found.items():
        if read.how == _SURE:
            if not _blocked("full", s, *key):
                accept(*key, read.only_full)
        elif read.how != _NO_UPPER:
            pending[key] = read

    # 2. shared full names and short forms, where the context makes one reading certain;
    #    repeated while a reading adds context that settles another. A reading depends on the
    #    context and the spans chosen, which only grow: one that failed is tried again only
    #    once something was chosen after it failed. A look-alike (`微山湖`) is never read: the
    #    text is checked for one only where the context would read the occurrence.
    failed_at: dict[tuple[int, int], int] = {}  # occurrence -> len(chosen) when it last failed
    pending_in_order = sorted(pending)
    in_context = ctx.keys  # grows in place as readings are accepted
    progress = bool(pending)
    while progress:
        progress = False
        for key in pending_in_order:
            read = pending.get(key)
            if read is None or failed_at.get(key) == len(chosen):
                continue
            if read.lone_province is None and in_context.isdisjoint(read.context_keys):
                division = None  # nothing in context bears on it (what `_read_upper` would find)
            else:
                division = _read_upper(read, ctx, key[0], chosen)
            if division is None:
                failed_at[key] = len(chosen)
                continue
            if not _blocked("short" if read.how >= _COMMON_SHORT else "full", s, *key):
                accept(*key, division, DATELINE_KIND if key == dateline else None)
                progress = True
            del pending[key]
    for key in pending_in_order:
        # `鼓楼区` with no context: the name is certain, the row is not
        read = pending.get(key)
        if read is not None and read.how == _FULL and read.county_name is not None \
                and not _blocked("full", s, *key):
            chosen.append(Span(*key, None, "county", read.county_name))

    # 3. towns
    in_order = sorted(found.items())
    towns = _read_towns(s, [item for item in in_order if item[1].towns], chosen, ctx, gazetteer)
    for span in towns:
        if span.division is not None:
            ctx.add(span.division)
    chosen.extend(towns)

    # 4. villages and communities
    chosen.extend(_read_villages(text, [item for item in in_order if item[1].villages], chosen, ctx, gazetteer))

    return tuple(_mention(article, text, span, gazetteer) for span in filter_spans(chosen))


def _read_upper(read: _Surface, ctx: _Context, start: int, chosen: list[Span]) -> Division | None:
    """The one province, city or county a pending occurrence names, if the context makes it certain
    (and the text makes it no look-alike: the caller checks that).

    A full name that is weak (`城区`, `新城区`: two characters or an everyday word) reads only as
    the place the article is already in; a short form that is an everyday word (`日照`, `振兴`)
    only as a place already certain.
    """
    how = read.how
    if how == _FULL:
        held = _prefer(read.full, ctx)
    elif how == _WEAK_FULL:
        held = [d for d in read.full if ctx.holds(d) or ctx.under(d, "city")]
    elif how == _COMMON_SHORT:
        held = [d for d in read.short if ctx.holds(d)]
    else:
        return _read_short(read, ctx, start, chosen)
    return held[0] if len(held) == 1 else None


def _read_short(read: _Surface, ctx: _Context, start: int, chosen: list[Span]) -> Division | None:
    """The one division a short form or context alias names here, if the context makes it certain.

    A county's short form needs the county or its city in context (`惠民`, `平原` are also
    words); a city's short form may lean on its province; a province's stands alone.
    """
    for zone in read.context_zones:
        if zone.parent in ctx.keys:
            if not any(span.end == start for span in chosen):  # `嘉祥经开区` is 嘉祥's own zone
                return zone
    held = [d for d in read.short if ctx.holds(d)]
    if len(held) == 1:
        return held[0]
    if held:
        return None
    by_city = [d for d in read.short_counties if ctx.under(d, "city")]
    if by_city:
        return by_city[0] if len(by_city) == 1 else None
    by_province = [d for d in read.short_cities if ctx.under(d, "province")]
    if by_province:
        return by_province[0] if len(by_province) == 1 else None
    return read.lone_province


def _read_towns(s: str, found: list[tuple[tuple[int, int], _Surface]], chosen: list[Span],
                ctx: _Context, gazetteer: Gazetteer) -> list[Span]:
    """Towns among the occurrences that may name one, in text order."""
    if not found:
        return []
    ends_at = {span.end: span for span in chosen if span.type == "county"}
    out: list[Span] = []
    for (start, end), read in found:
        towns = read.towns
        county_before = ends_at.get(start)
        if (end - start < SHORT_TOWN_NAME or read.common) and county_before is None:
            continue  # `街道`, `中心镇`: only right after their county
        town = _pick_town(towns, county_before, ctx, gazetteer)
        if town is None:
            continue
        if not (county_before or ctx.under(town, "county") or ctx.under(town, "city")) \
                and end - start < LONE_TOWN_NAME and start > 0 and _is_han(s[start - 1]):
            continue  # `文明村镇` holds no `明村镇`: a town named alone must stand apart
        county = gazetteer.ancestor(town, "county")
        parent = None
        if county_before is not None and county_before.division is not None and county_before.division.code is None \
                and county is not None and county.parent == county_before.division.parent:
            parent = county_before.division  # a town the story places in a zone: `太白湖新区许庄街道`
        elif county is not None and county not in ctx.counties:
            zones = [c for c in ctx.counties if c.code is None and c.parent == county.parent]
            if zones and len(ctx.counties) == len(zones):
                parent = zones[0]
        up = parent or county or gazetteer.parent(town)
        printed = county_before.division if county_before is not None else None
        disagrees = printed is not None and printed.code is not None and not gazetteer.contains(printed, town)
        out.append(Span(start, end, town, "town", town.name,
                        (up.type, up.name, up.code) if up is not None else None,
                        stated_in=(printed.type, printed.name, printed.code) if disagrees else None))
    return out


def _pick_town(towns: list[Division], county_before: Span | None, ctx: _Context,
               gazetteer: Gazetteer) -> Division | None:
    if county_before is not None and county_before.division is not None:
        printed = county_before.division
        inside = [t for t in towns if gazetteer.contains(printed, t)]
        if printed.code is None:  # a zone has no rows of its own: its city's towns
            inside = [t for t in towns if printed.parent and ctx.under(t, "city")
                      and gazetteer.ancestor(t, "city").key == printed.parent]
        if len(inside) == 1:
            return inside[0]
    in_county = [t for t in towns if ctx.under(t, "county")]
    if len(in_county) == 1:
        return in_county[0]
    if in_county:
        return None
    in_city = [t for t in towns if ctx.under(t, "city")]
    if len(in_city) == 1:
        return in_city[0]
    if in_city or len(towns) != 1:
        return None
    if ctx.counties:
        return None  # the article is about counties, none of them this town's
    return towns[0]


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _town_reaches(text: Normalized, towns: list[Span], chosen: list[Span]) -> list[tuple[int, int, Span]]:
    """For each town, the stretch after it where a village it holds may be named apart from it: to
    the end of its sentence or the next place named, whichever comes first."""
    starts = sorted(span.start for span in chosen)
    reaches = []
    for town in towns:
        end = text.sentence_bounds(town.start, town.end)[1]
        at = bisect_left(starts, town.end)
        if at < len(starts):
            end = min(end, starts[at])
        if end > town.end:
            reaches.append((town.end, end, town))
    return reaches


def _reaching_town(reaches: list[tuple[int, int, Span]], start: int, end: int) -> Span | None:
    return next((town for left, right, town in reaches if left <= start and end <= right), None)


def _read_villages(text: Normalized, found: list[tuple[tuple[int, int], _Surface]], chosen: list[Span],
                   ctx: _Context, gazetteer: Gazetteer) -> list[Span]:
    """Villages and communities among the occurrences that may name one, and those with no row of
    their own printed right after a town or after a cue later in its sentence, in text order."""
    s = text.text
    towns = sorted((span for span in chosen if span.type == "town" and span.division is not None), key=_span_start)
    town_keys = {span.division.key for span in towns}
    town_ending = {span.end: span for span in towns}
    reaches = _town_reaches(text, towns, chosen) if towns else []
    out: list[Span] = []
    covered: set[int] = set()
    for (start, end), read in found:
        before = town_ending.get(start)
        if before is None and (end - start < SHORT_VILLAGE_NAME or read.common) and _after_cue(s, start):
            before = _reaching_town(reaches, start, end)  # `新驿镇党委在秦村建立`: its town, apart
        if (end - start < SHORT_VILLAGE_NAME or read.common) and before is None:
            continue  # `东村`, `文明村`: only right after their town
        if _blocked("village", s, start, end) or _crosses(start, end, chosen):
            continue
        places = read.villages
        if before is not None:
            options = [d for d in places if d.parent == before.division.key]
        else:
            options = [d for d in places if d.parent in town_keys]
            if not options and end - start >= SHORT_VILLAGE_NAME:
                options = [d for d in places if ctx.under(d, "county")]
        if not options:
            continue
        if len(options) == 1:
            place = options[0]
            up = gazetteer.get(place.parent)
            if up is not None and up.key not in town_keys:
                up = gazetteer.ancestor(place, "county") or up
            out.append(Span(start, end, place, place.type, place.name, (up.type, up.name, up.code) if up else None))
        else:
            counties = {gazetteer.ancestor(d, "county") for d in options}
            if len(counties) == 1 and None not in counties:
                county = counties.pop()
                out.append(Span(start, end, None, options[0].type, options[0].name,
                                (county.type, county.name, county.code)))
        covered.update(range(start, end))
    for town in towns:  # `<name>村` / `<name>社区` printed right after a town, with no gazetteer row
        match = GENERIC_VILLAGE.match(s, town.end)
        if match is None:
            continue
        _add_generic(out, covered, s, match, match.start(), town)
    _, cued = _village_cues()
    for left, right, town in reaches:  # `<cue><name>村` later in the town's sentence, no row of its own
        for match in cued.finditer(s, left, right):
            group = 1 if match.group(1) is not None else 2
            _add_generic(out, covered, s, match, match.start(group), town)
    return out


def _add_generic(out: list[Span], covered: set[int], s: str, match: re.Match[str], start: int, town: Span) -> None:
    """Adds the `<stem>村` (group 1) or `<stem>社区` (group 2) matched, in `town`, unless it is a
    gazetteer reading already, a common word or a look-alike."""
    stem = match.group(1) if match.group(1) is not None else match.group(2)
    end = match.end()
    name = s[start:end]
    if not covered.isdisjoint(range(start, end)) or _stem_blocked(stem) or _common_village_word(name) \
            or _blocked("generic", s, start, end):
        return
    type_ = "village" if match.group(1) is not None else "community"
    out.append(Span(start, end, None, type_, name, ("town", town.name, town.division.code)))
    covered.update(range(start, end))


def _crosses(start: int, end: int, spans: Iterable[Span]) -> bool:
    """Whether [start, end) overlaps a span without either holding the other (`小安山镇东村` holds no `镇东村`)."""
    return any(sp.start < end and start < sp.end and not (sp.start <= start and end <= sp.end)
               and not (start <= sp.start and sp.end <= end) for sp in spans)


def _links(span: Span, gazetteer: Gazetteer) -> tuple[Link, ...]:
    if span.parent is not None:
        located = _link("locatedIn", *span.parent)
        return (located, _link("statedIn", *span.stated_in)) if span.stated_in is not None else (located,)
    if span.division is None:
        return ()
    up = gazetteer.parent(span.division)
    return (_link("locatedIn", up.type, up.name, up.code),) if up is not None else ()


@lru_cache(maxsize=4096)
def _link(predicate: str, type_: str, name: str, code: str | None) -> Link:
    """A link (immutable, so one object serves every mention of the same place)."""
    return Link(predicate, type_, name, code)


def _mention(article: Article, text: Normalized, span: Span, gazetteer: Gazetteer) -> Mention:
    start, end = text.span(span.start, span.end)
    return Mention(
        source=article.source,
        article=article.index,
        type=span.type,
        name=span.name,
        text=text.printed[span.start:span.end],
        start=start,
        end=end,
        sentence=text.sentence(span.start, span.end),
        code=span.division.code if span.division is not None else None,
        links=_links(span, gazetteer),
        kind=span.kind,
    )


# ---------------------------------------------------------------- story place
def story_locality(article: Article, places: tuple[Mention, ...], gazetteer: Gazetteer) -> Locality:
    """The county, city and province a story is about.

    The dateline's county; for a dateline naming a city (or none, as in photo captions), the
    county-level unit the headline names, else the first one the text names (within the
    dateline's city where it names one); failing that the county of the first town.
    """
    ordered = sorted(places, key=lambda m: m.start)
    dateline = next((m for m in ordered if m.kind == DATELINE_KIND), None)
    city = _division(dateline, gazetteer) if dateline is not None and dateline.type in ("city", "province") else None

    county: Division | None = None
    if dateline is not None and dateline.type == "county":
        county = _division(dateline, gazetteer)
    else:
        counties = [(m, d) for m in ordered if m.type == "county" and m.kind != DATELINE_KIND
                    and (d := _division(m, gazetteer)) is not None]
        if city is not None:
            counties = [(m, d) for m, d in counties if gazetteer.contains(city, d)] or counties
        headline = [(m, d) for m, d in counties if not article.body_start <= m.start < article.body_end]
        pick = (headline or counties)[:1]
        if pick:
            county = pick[0][1]
        else:
            town = next((d for m in ordered if m.type == "town" and (d := _division(m, gazetteer))), None)
            if town is not None:
                county = gazetteer.ancestor(town, "county")
    if city is None and county is None:
        city = next((d for m in ordered if m.type == "city" and (d := _division(m, gazetteer))), None)

    anchor = county or city
    if anchor is None:
        return Locality(None, None, None)
    city_division = gazetteer.ancestor(anchor, "city")
    province = gazetteer.ancestor(anchor, "province")
    return Locality(county.name if county else None,
                    city_division.name if city_division else None,
                    province.name if province else None)


def _division(mention: Mention, gazetteer: Gazetteer) -> Division | None:
    if mention.code:
        return gazetteer.by_code(mention.code)
    named = gazetteer.named(mention.name, mention.type)
    return named[0] if len(named) == 1 else None
