"""Finds the official places an article names, and the place the story is about.

Every surface form of the gazetteer is looked up in the article's normalised text; each
occurrence is then read in context, from the most certain readings to the least:

1. the dateline (`本报梁山讯`) and full names that only one division bears;
2. full names several divisions bear (`鼓楼区`), and short forms (`梁山`, `济南`, `山东`),
   kept only where a place already in context makes them certain;
3. towns (`尼山镇`), read in the county printed right before them, a county of the story,
   a city of the story, or (a name of three characters or more) the only such town in China;
4. villages and communities, from the 济宁 village file where their town or county is in
   context, or as `<name>村`/`<name>社区` printed right after a town.

Look-alikes (`微山湖`, `水泊梁山`) are rejected by `place_blockers.tsv`, and overlapping
readings are settled by `filter_spans` (longest first, then earliest): `金乡街道` is a town,
not `金乡` + `街道`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from kg.gazetteer import ALIAS, CONTEXT_ALIAS, FULL, SHORT, Division, Gazetteer, Reading
from kg.model import DATELINE_KIND, Article, Link, Locality, Mention
from kg.normalize import Normalized, compact
from kg.resources import load_table, load_words

DATELINE = re.compile(r"本报(?!讯)([\u4e00-\u9fff]{1,8}?)讯")
SHORT_TOWN_NAME = 3  # a town name shorter than this (`口镇`) is only read right after its county
LONE_TOWN_NAME = 4  # a town named with no place around it: shorter names must follow punctuation
SHORT_VILLAGE_NAME = 3  # a village name shorter than this (`东村`) is only read right after its town
GENERIC_VILLAGE = re.compile(r"([\u4e00-\u9fff]{1,3}?)村(?!社区)|([\u4e00-\u9fff]{2,5}?(?:村)?)社区")


@dataclass(frozen=True)
class Span:
    """A reading chosen for one occurrence, in normalised offsets."""

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


def _blocked(applies_to: str, text: str, start: int, end: int) -> bool:
    rules = _joined_blockers()
    after_rule, before_rule = rules.get((applies_to, "after")), rules.get((applies_to, "before"))
    if after_rule is not None:
        # a full name's rules see its last character too ("市" + "场")
        if after_rule.match(text[end - 1 if applies_to == "full" else end:end + 8]):
            return True
    return before_rule is not None and before_rule.search(text[max(0, start - 8):start]) is not None


def _stem_blocked(stem: str) -> bool:
    return any(p.search(stem) for p in _blockers().get(("generic", "stem"), ()))


def filter_spans(spans: Iterable[Span]) -> list[Span]:
    """Non-overlapping spans, longest first, then earliest (spaCy's `filter_spans`), in text order."""
    taken: list[Span] = []
    used: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if used.isdisjoint(range(span.start, span.end)):
            taken.append(span)
            used.update(range(span.start, span.end))
    return sorted(taken, key=lambda s: s.start)


# ---------------------------------------------------------------- context
class _Context:
    """Places the article makes certain so far, and what each implies above it."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.keys: set[str] = set()  # every accepted division and all places above it
        self.counties: list[Division] = []

    def add(self, division: Division) -> None:
        for d in self.gazetteer.chain(division):
            self.keys.add(d.key)
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


# ---------------------------------------------------------------- finder
def find_places(article: Article, text: Normalized, gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Mentions of provinces, cities, counties, towns, villages and communities in an article.

    `text` is the normalised article text; offsets of the mentions are original offsets.
    The dateline place is a mention of kind `dateline`.
    """
    s = text.text
    found: dict[tuple[int, int], tuple[Reading, ...]] = {}
    for start, end, surface in gazetteer.find_surfaces(s):
        found[(start, end)] = gazetteer.candidates(surface)
    ctx = _Context(gazetteer)
    chosen: list[Span] = []

    def accept(start: int, end: int, division: Division, kind: str | None = None) -> None:
        ctx.add(division)
        chosen.append(Span(start, end, division, division.type, division.name, kind=kind))

    # 1. the dateline, full names only one division bears, free aliases of zones
    dateline = _dateline_bounds(s, article)
    if dateline and dateline in found:
        options = [r.division for r in found.pop(dateline) if r.division.type in ("province", "city", "county")]
        if len(options) == 1:
            accept(*dateline, options[0], DATELINE_KIND)
        elif options:
            found[dateline] = tuple(r for r in gazetteer.candidates(s[slice(*dateline)]))
    pending: dict[tuple[int, int], tuple[Reading, ...]] = {}
    for (start, end), readings in found.items():
        upper = [r for r in readings if r.division.type in ("province", "city", "county")]
        sure = [r for r in upper if r.form in (FULL, ALIAS)]
        if len(sure) == 1 and len(upper) == len(sure) and not _weak(s, start, end):
            accept(start, end, sure[0].division)
        else:
            pending[(start, end)] = readings

    # 2. shared full names and short forms, where the context makes one reading certain;
    #    repeated while a reading adds context that settles another
    pending = {k: v for k, v in pending.items()
               if any(r.division.type in ("province", "city", "county") for r in v)}
    progress = True
    while progress:
        progress = False
        for (start, end), readings in sorted(pending.items()):
            division = _read_upper(readings, ctx, s, start, end, chosen)
            if division is not None:
                accept(start, end, division, DATELINE_KIND if (start, end) == dateline else None)
                del pending[(start, end)]
                progress = True
    for (start, end), readings in sorted(pending.items()):
        full = [r.division for r in readings if r.form in (FULL, ALIAS) and r.division.type == "county"]
        # `鼓楼区` with no context: the name is certain, the row is not
        if full and len({d.name for d in full}) == 1 and not _weak(s, start, end):
            chosen.append(Span(start, end, None, full[0].type, full[0].name))

    # 3. towns
    towns = _read_towns(s, found, chosen, ctx, gazetteer)
    for span in towns:
        if span.division is not None:
            ctx.add(span.division)
    chosen.extend(towns)

    # 4. villages and communities
    chosen.extend(_read_villages(s, found, chosen, ctx, gazetteer))

    return tuple(_mention(article, text, span, gazetteer) for span in filter_spans(chosen))


def _read_upper(readings: Sequence[Reading], ctx: _Context, s: str, start: int, end: int,
                chosen: list[Span]) -> Division | None:
    upper = [r for r in readings if r.division.type in ("province", "city", "county")]
    full = [r.division for r in upper if r.form in (FULL, ALIAS)]
    if full:
        if _blocked("full", s, start, end):
            return None
        if _weak(s, start, end):  # `城区`, `新城区`: only the place the article is already in
            held = [d for d in full if ctx.holds(d) or ctx.under(d, "city")]
        else:
            held = _prefer(full, ctx)
        return held[0] if len(held) == 1 else None
    if _blocked("short", s, start, end):
        return None
    if s[start:end] in _common_words():  # `日照`, `振兴`: only a place already certain
        held = [r.division for r in upper if r.form == SHORT and ctx.holds(r.division)]
        return held[0] if len(held) == 1 else None
    return _read_short(upper, ctx, start, chosen)


def _weak(s: str, start: int, end: int) -> bool:
    """A full name that alone does not make a place certain: two characters, an everyday word, or a look-alike."""
    return end - start <= 2 or s[start:end] in _common_words() or _blocked("full", s, start, end)


def _read_short(readings: list[Reading], ctx: _Context, start: int, chosen: list[Span]) -> Division | None:
    """The one division a short form or context alias names here, if the context makes it certain.

    A county's short form needs the county or its city in context (`惠民`, `平原` are also
    words); a city's short form may lean on its province; a province's stands alone.
    """
    for reading in readings:
        zone = reading.division
        if reading.form == CONTEXT_ALIAS and zone.parent in ctx.keys:
            if not any(span.end == start for span in chosen):  # `嘉祥经开区` is 嘉祥's own zone
                return zone
    divisions = [r.division for r in readings if r.form == SHORT]
    held = [d for d in divisions if ctx.holds(d)]
    if len(held) == 1:
        return held[0]
    if held:
        return None
    by_city = [d for d in divisions if d.type == "county" and ctx.under(d, "city")]
    if by_city:
        return by_city[0] if len(by_city) == 1 else None
    by_province = [d for d in divisions if d.type == "city" and ctx.under(d, "province")]
    if by_province:
        return by_province[0] if len(by_province) == 1 else None
    if len(divisions) == 1 and divisions[0].type == "province":
        return divisions[0]
    return None


def _read_towns(s: str, found: dict[tuple[int, int], tuple[Reading, ...]], chosen: list[Span],
                ctx: _Context, gazetteer: Gazetteer) -> list[Span]:
    ends_at = {span.end: span for span in chosen if span.type == "county"}
    out: list[Span] = []
    for (start, end), readings in sorted(found.items()):
        towns = [r.division for r in readings if r.division.type == "town"]
        if not towns:
            continue
        county_before = ends_at.get(start)
        if (end - start < SHORT_TOWN_NAME or s[start:end] in _common_words()) and county_before is None:
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


def _read_villages(s: str, found: dict[tuple[int, int], tuple[Reading, ...]], chosen: list[Span],
                   ctx: _Context, gazetteer: Gazetteer) -> list[Span]:
    towns = [span for span in chosen if span.type == "town" and span.division is not None]
    town_keys = {span.division.key for span in towns}
    town_ending = {span.end: span for span in towns}
    out: list[Span] = []
    covered: set[int] = set()
    for (start, end), readings in sorted(found.items()):
        places = [r.division for r in readings if r.division.type in ("village", "community")]
        if not places or _blocked("village", s, start, end) or _crosses(start, end, chosen):
            continue
        before = town_ending.get(start)
        if before is not None:
            options = [d for d in places if d.parent == before.division.key]
        else:
            options = [d for d in places if d.parent in town_keys]
            if not options and end - start >= SHORT_VILLAGE_NAME:
                options = [d for d in places if ctx.under(d, "county")]
        if (end - start < SHORT_VILLAGE_NAME or s[start:end] in _common_words()) and before is None:
            continue  # `东村`, `文明村`: only right after their town
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
        stem = match.group(1) if match.group(1) is not None else match.group(2)
        start, end = match.start(), match.end()
        if not covered.isdisjoint(range(start, end)) or _stem_blocked(stem) or _blocked("generic", s, start, end):
            continue
        type_ = "village" if match.group(1) is not None else "community"
        out.append(Span(start, end, None, type_, s[start:end],
                        ("town", town.name, town.division.code)))
    return out


def _crosses(start: int, end: int, spans: Iterable[Span]) -> bool:
    """Whether [start, end) overlaps a span without either holding the other (`小安山镇东村` holds no `镇东村`)."""
    return any(sp.start < end and start < sp.end and not (sp.start <= start and end <= sp.end)
               and not (start <= sp.start and sp.end <= end) for sp in spans)


def _links(span: Span, gazetteer: Gazetteer) -> tuple[Link, ...]:
    stated = (Link("statedIn", *span.stated_in),) if span.stated_in is not None else ()
    if span.parent is not None:
        type_, name, code = span.parent
        return (Link("locatedIn", type_, name, code),) + stated
    if span.division is None:
        return ()
    up = gazetteer.parent(span.division)
    return (Link("locatedIn", up.type, up.name, up.code),) if up is not None else ()


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
