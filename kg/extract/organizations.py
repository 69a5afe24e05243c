"""Organization finder: specific bodies named in a story, by suffix grammar.

A body's name ends with a head word (`kg/data/org_suffixes.tsv`: 委, 组织部, 局, 中心,
学院, 集团…). Its left edge is found by grammar, walking left from the head word over
the name's own characters until a punctuation mark, the start of the story's body (never
back into its dateline or credit bracket), a word that governs a body as object (`联合`, `由`,
`争取`…), or a printed place (`济宁市城管局`). What stands at the left edge decides the
canonical name (`kg/data/org_relative_prefixes.tsv`):

- a place: the name stays as printed and the place is its locality;
- a relative level word (县/市/区/省/镇): the story's place qualifies it
  (`县委组织部` in a 梁山县 story -> `梁山县委组织部`);
- neither: a department stem (`医保局`) is the story's own; a trade name (`XX集团`)
  stays as printed; a head noun with a mere description is generic and is not listed.

A town's, village's or community's own party body (`kg/data/org_unit_party_bodies.txt`) is one
body after that named unit (`黄安镇党委`, `刘庄村党支部`), or after a bare unit word where the
sentence names the one unit (`在黄安镇，镇党委…`); its locality is the unit's county.

Generic and plural references (`kg/data/org_stoplist.txt`, numerals before the name,
quoted slogans, titles such as `县委书记`) are never listed: precision matters as much as recall.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kg.gazetteer import division_rows
from kg.model import Article, Link, Locality, Mention
from kg.normalize import Normalized
from kg.resources import load_table, load_words

ORGANIZATION = "organization"

# A name is never longer than this many characters to the left of its head word.
_MAX_REACH = 22
# A quoted part inside a name (`县委“两新”工委`) is a short term: longer quotes are slogans.
_MAX_QUOTED_PART = 4
_PUNCT = set("，。、；：？！,.;:?!“”\"‘’'《》〈〉「」『』【】[]（）()—-－…·•■●/|+＋=<>~～#*")
_OPEN_QUOTES = {"“": "”", "《": "》", "‘": "’", "「": "」", "『": "』"}
# The punctuation that ends the sentence `_inside_quotes` looks back over.
_SENTENCE_STOPS = re.compile("[。！？；!?;]")
_PLURAL_MEASURES = "个家支名所处类批大级"
_PLURAL_BEFORE = re.compile(
    r"(?:[0-9一二三四五六七八九十百千两几多余]+|多|各|若干)(?:" + "|".join(_PLURAL_MEASURES) + ")$")
# A text can end in a plural phrase only where its last character is one of these (`$` also
# matches before a final newline): a set lookup spares most regex searches.
_PLURAL_LAST = frozenset(_PLURAL_MEASURES + "\n")
# Kinds whose head noun after a bare level word is that place's own body ("县医院", "镇党委").
_LEVEL_ALONE_KINDS = frozenset({"hospital", "court", "school", "party_committee", "mass_organization", "media"})
# Units whose relative party body (`镇党委`, `社区党委`) the one unit a whole story names may
# qualify where its sentence names none: a story names a town or community mostly as its
# subject, while `村党支部` is also the common noun of any village's branch.
_STORY_WIDE_UNITS = frozenset({"town", "community"})
_COORD_AFTER = re.compile(r"^[和、及与][省市县区]{1,2}委")
_STRIP = re.compile(r"[“”\"‘’'「」『』《》\s]")


@dataclass(frozen=True)
class _Suffix:
    word: str
    kind: str
    scope: str
    bare: str
    canonical: str | None
    not_before: frozenset[str]


# Named tuples, not frozen dataclasses, for the records made per match: they are built several
# times faster.
class _Place(NamedTuple):
    start: int
    end: int
    type: str  # province, city, county, town
    name: str
    code: str | None


@dataclass(frozen=True)
class _Rules:
    suffixes: dict[str, _Suffix]
    max_suffix: int
    levels: dict[str, str]
    generic: frozenset[str]
    boundary: frozenset[str]
    party_prefix: frozenset[str]
    national_prefix: tuple[str, ...]  # a name starting with one is national (中国矿业大学)
    bare_min_content: dict[str, int]  # head word -> fewest characters before it in a bare name
    province_alias: dict[str, str]
    not_level: frozenset[str]
    stop_names: frozenset[str]
    stop_tails: tuple[str, ...]
    unit_bodies: frozenset[str]  # a town's, village's or community's own party body (党委, 党支部)
    unit_words: dict[str, str]  # unit word (镇, 村, 社区) -> place type, before such a body
    credit_words: tuple[str, ...]  # a bracket holding one is a dateline's credit, no part of a name
    # derived lookups: the lengths of the head words ending in each pair of characters and
    # of the one-character head words (longest first), where a head word may end, the characters
    # a boundary word can end in
    suffix_lengths: dict[str, tuple[int, ...]]
    single_suffix_lengths: dict[str, tuple[int, ...]]
    suffix_ends: re.Pattern | None
    boundary_last: frozenset[str]
    walk_stops: frozenset[str]  # the characters `_left_edge` stops to look at
    level_first: frozenset[str]  # the characters a level word (`_level_at`) starts with


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    suffixes = {}
    for row in load_table("org_suffixes.tsv"):
        suffixes[row["suffix"]] = _Suffix(
            row["suffix"], row["kind"], row["scope"], row["bare"],
            None if row["canonical"] == "-" else row["canonical"],
            frozenset() if row["not_before"] == "-" else frozenset(row["not_before"].split("|")))
    by_role: dict[str, dict[str, str]] = {}
    for row in load_table("org_relative_prefixes.tsv"):
        by_role.setdefault(row["role"], {})[row["word"]] = row["level"]
    stop = load_words("org_stoplist.txt")
    boundary = frozenset(by_role.get("boundary", {}))
    boundary_last = frozenset(w[-1] for w in boundary if w)
    return _Rules(
        suffixes=suffixes,
        max_suffix=max(map(len, suffixes)),
        levels=by_role.get("level", {}),
        generic=frozenset(by_role.get("generic", {})),
        boundary=boundary,
        party_prefix=frozenset(by_role.get("party_prefix", {})),
        national_prefix=tuple(by_role.get("national_prefix", {})),
        bare_min_content={row["suffix"]: int(row["min_content"]) for row in load_table("org_bare_min_content.tsv")},
        province_alias=by_role.get("province_alias", {}),
        not_level=frozenset(by_role.get("not_level", {})),
        stop_names=frozenset(w for w in stop if not w.startswith("*")),
        stop_tails=tuple(w[1:] for w in stop if w.startswith("*")),
        unit_bodies=frozenset(load_words("org_unit_party_bodies.txt")),
        unit_words=by_role.get("unit", {}),
        credit_words=tuple(by_role.get("credit", {})),
        suffix_lengths=_lengths_by_ending(suffixes),
        single_suffix_lengths={word: (1,) for word in suffixes if len(word) == 1},
        suffix_ends=_may_end(suffixes),
        boundary_last=boundary_last,
        level_first=frozenset(w[0] for w in by_role.get("level", {}) if w),
        walk_stops=frozenset(_PUNCT) | boundary_last | _PLURAL_LAST,
    )


def _lengths_by_ending(words) -> dict[str, tuple[int, ...]]:
    """The lengths of `words` ending in each pair of characters, longest first; where a pair
    ends in a one-character word, that word's length 1 last."""
    words = set(words)
    lengths: dict[str, set[int]] = {}
    for word in words:
        if len(word) >= 2:
            lengths.setdefault(word[-2:], set()).add(len(word))
    for pair, sizes in lengths.items():
        if pair[-1] in words:
            sizes.add(1)
    return {pair: tuple(sorted(sizes, reverse=True)) for pair, sizes in lengths.items()}


def _may_end(words) -> re.Pattern | None:
    """A character where one of the non-empty `words` may end: the whole word if it is one
    character long, else its last character after any second-to-last character of those words
    (None: no words). `finditer` with it leaves few offsets to look up; as it starts with a
    character class, the regex engine skips all other characters in its fast C loop."""
    def chars(found) -> str:
        return re.escape("".join(sorted(set(found))))

    words = [w for w in words if w]
    if not words:
        return None
    single = [w for w in words if len(w) == 1]
    longer = [w for w in words if len(w) >= 2]
    either = []
    if single:
        either.append(f"(?<=[{chars(single)}])")
    if longer:
        either.append(f"(?<=[{chars(w[-2] for w in longer)}][{chars(w[-1] for w in longer)}])")
    return re.compile(f"[{chars(w[-1] for w in words)}](?:{'|'.join(either)})")


# ---------------------------------------------------------------- gazetteer
_LEVEL_SUFFIXES = ("自治区", "省", "市", "县", "区")


@lru_cache(maxsize=4096)
def _short_form(name: str) -> str | None:
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


# The division table has some 45,000 rows, nine in ten of them townships: `_code_of` reads the
# rows of one level, rather than an index of every row by name (building that index cost the
# first story about 20 ms).
@lru_cache(maxsize=None)
def _divisions() -> dict[str, dict[str, str]]:
    """Every division row by code, in the table's order."""
    return {row["code"]: row for row in division_rows()}


@lru_cache(maxsize=None)
def _rows_by_level() -> dict[str, list[dict[str, str]]]:
    """The division rows by level, each level's in the table's order."""
    by_level: dict[str, list[dict[str, str]]] = {}
    for row in _divisions().values():
        by_level.setdefault(row["level"], []).append(row)
    return by_level


def _rows_at(level: str) -> list[dict[str, str]]:
    """The division rows of one level, in the table's order."""
    return _rows_by_level().get(level, [])


@lru_cache(maxsize=None)
def _code_of(name: str, level: str) -> str | None:
    rows = [r for r in _rows_at(level) if r["name"] == name]
    return rows[0]["code"] if len(rows) == 1 else None


@lru_cache(maxsize=None)
def _place_words(city: str | None, province: str | None) -> dict[str, tuple[str, str, str | None]]:
    """Surface -> (type, canonical, code) of places a body's name may start with."""
    by_code = _divisions()
    words: dict[str, tuple[str, str, str | None]] = {}

    def add(surface: str, entry: tuple[str, str, str | None]) -> None:
        words.setdefault(surface, entry)

    for row in by_code.values():
        if row["level"] in ("province", "city") and row["name"] != "市辖区":
            entry = (row["level"], row["name"], row["code"])
            add(row["name"], entry)
            short = _short_form(row["name"])
            if short:
                add(short, entry)
    city_code = _code_of(city, "city") if city else None
    if city_code:
        for row in _rows_at("county"):
            if row["parent_code"] == city_code and row["name"] != "市辖区":
                entry = ("county", row["name"], row["code"])
                words[row["name"]] = entry
                short = _short_form(row["name"])
                if short:
                    words[short] = entry
        counties = {r["code"] for r in by_code.values() if r["parent_code"] == city_code}
        for row in _rows_at("township"):
            if row["parent_code"] in counties:
                words.setdefault(row["name"], ("town", row["name"], row["code"]))
        for row in load_table("functional_zones.tsv"):
            if row["parent_code"] == city_code:
                entry = ("county", row["name"], row["code"] or None)
                for surface in [row["name"], *filter(None, row["aliases"].split("|"))]:
                    words[surface] = entry
    for alias, target in _rules().province_alias.items():
        add(alias, ("province", target, _code_of(target, "province")))
    return words


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    """The canonical names of the functional zones a city runs like a county (济宁经济技术开发区):
    a body printed after a zone's short form takes the zone's canonical name."""
    return frozenset(row["name"] for row in load_table("functional_zones.tsv"))


def _county_of_town(code: str | None) -> tuple[str, str] | None:
    if not code:
        return None
    row = _divisions().get(code[:6] + "000000")
    return (row["name"], row["code"]) if row else None


@lru_cache(maxsize=None)
def _place_ends(city: str | None, province: str | None) -> tuple[re.Pattern | None, dict[str, tuple[int, ...]],
                                                                 frozenset[str]]:
    """Where a place word of two characters or more may end (`_may_end`); the lengths of the
    words ending in each pair of characters, longest first (a dict lookup of the pair and a set
    lookup per length settle an offset); the characters `_left_edge` stops at, its own and
    those a place word ends in."""
    words = [w for w in _place_words(city, province) if len(w) >= 2]
    return _may_end(words), _lengths_by_ending(words), _rules().walk_stops | frozenset(w[-1] for w in words)


# ---------------------------------------------------------------- places in this text
class _PlacesInText:
    """The places a body's name may start with, by the normalised offset they end at: the
    longest place word ending there, or a place the place finder found ending there if it
    starts before that word (of several, the first that starts first).

    Looked up offset by offset: only the few offsets left of head words are ever asked for,
    where finding every place word in the text cost about a quarter of the finder."""

    def __init__(self, text: Normalized, locality: Locality, places: tuple[Mention, ...], body_start: int = 0):
        self.text = text
        self.locality = locality
        self.words = _place_words(locality.city, locality.province)
        _, self.lengths_ending, self.walk_stops = _place_ends(locality.city, locality.province)
        self.by_finder: dict[int, _Place] = {}
        # villages and communities the place finder found, by end; `code`: a division code of
        # the unit or of the place it lies in, which names its county
        self.units_by_end: dict[int, _Place] = {}
        for m in places:
            if m.type not in ("province", "city", "county", "town", "village", "community"):
                continue
            s, e = text.index_of(m.start), text.index_of(m.end - 1)
            if s is None or e is None:
                continue
            e += 1
            if m.type in ("village", "community"):
                code = m.code or next((link.target_code for link in m.links if link.target_code), None)
                self.units_by_end.setdefault(e, _Place(s, e, m.type, m.name, code))
            elif e not in self.by_finder or self.by_finder[e].start > s:
                self.by_finder[e] = _Place(s, e, m.type, m.name, m.code)
        # the body's first character: a name never runs left across the dateline before it
        # (本报曲阜讯（通讯员 王新）市委组织部); offsets the walk must look at
        self.body_start = body_start
        self.offset_stops = frozenset(self.by_finder) | {body_start}
        self._towns: list[_Place] | None = None
        self._all_places: dict[int, _Place] | None = None

    def at(self, end: int) -> _Place | None:
        """The place ending at normalised offset `end`, if any."""
        word = self._word_at(end)
        found = self.by_finder.get(end)
        if found is not None and (word is None or word.start > found.start):
            return found
        return word

    def _word_at(self, end: int) -> _Place | None:
        """The longest place word ending at `end`."""
        t = self.text.text
        for size in self.lengths_ending.get(t[end - 2:end], ()) if end >= 2 else ():
            entry = self.words.get(t[end - size:end]) if size <= end else None
            if entry is not None:
                return _Place(end - size, end, *entry)
        return None

    def towns(self) -> list[_Place]:
        """The towns named in the text, one place per name, in order of start."""
        if self._towns is None:
            by_name = {p.name: p for p in self._all().values() if p.type == "town"}
            self._towns = sorted(by_name.values(), key=lambda p: p.start)
        return self._towns

    def units(self, place_type: str, start: int = 0, end: int | None = None) -> list[_Place]:
        """The places of one type (town, village, community) within `[start, end)`, in order."""
        end = len(self.text.text) if end is None else end
        found = self._all().values() if place_type == "town" else self.units_by_end.values()
        return sorted((p for p in found if p.type == place_type and start <= p.start and p.end <= end),
                      key=lambda p: p.start)

    def _all(self) -> dict[int, _Place]:
        """`at` of every offset where a place ends: the place words' ends in order, then the
        finder's other ends in the order of its mentions."""
        if self._all_places is None:
            self._all_places = self._find_all()
        return self._all_places

    def _find_all(self) -> dict[int, _Place]:
        t = self.text.text
        candidates, _, _ = _place_ends(self.locality.city, self.locality.province)
        found: dict[int, _Place] = {}
        if candidates is not None:
            for match in candidates.finditer(t):
                word = self._word_at(match.end())
                if word is not None:
                    found[match.end()] = word
        for end, place in self.by_finder.items():
            if end not in found or found[end].start > place.start:
                found[end] = place
        return found


# ---------------------------------------------------------------- candidates
class _Candidate(NamedTuple):
    start: int
    end: int
    suffix: _Suffix
    place: _Place | None  # the place the printed name starts with


def _ends_with_any(t: str, at: int, words: Collection[str], longest: int = 4) -> str | None:
    for size in range(min(longest, at), 0, -1):
        if t[at - size:at] in words:
            return t[at - size:at]
    return None


def _inside_quotes(t: str, start: int, reversed_t: str, quotes: list[tuple[str, str]]) -> bool:
    """Whether `start` lies inside a quoted phrase or a title in 《》 of its sentence.

    `reversed_t`: `t[::-1]`, where the sentence's start is the first punctuation mark found from
    `start` on (one search, not a scan of the whole text); `quotes`: the (opening, closing)
    marks of `_OPEN_QUOTES` whose opening mark `t` holds."""
    if not quotes:
        return False
    stop = _SENTENCE_STOPS.search(reversed_t, len(t) - start)
    before = t[len(t) - stop.start() if stop else 0:start]
    for opener, closer in quotes:
        if before.count(opener) > before.count(closer):
            return True
    return False


def _plural_before(t: str, at: int) -> bool:
    """Whether a numeral with a measure word (`3个`, `各类`) ends at `at`."""
    return at > 0 and t[at - 1] in _PLURAL_LAST and _PLURAL_BEFORE.search(t[max(0, at - 6):at]) is not None


def _quoted_part_start(t: str, close: int, rules: _Rules) -> int | None:
    """Where the quoted part closing at `close` opens, if it is part of a name: a short phrase with
    no punctuation right after a body's own name (`县委“两新”工委`, `市委“两新”组织党委`): the
    body before the quotes names whose organ it is. A quote after anything else stays a stop."""
    opening = t.rfind("“", max(0, close - 2 - _MAX_QUOTED_PART), close - 1)
    if opening < 0 or opening == close - 2 or any(c in _PUNCT for c in t[opening + 1:close - 1]):
        return None
    if _ends_with_any(t, opening, rules.suffixes, rules.max_suffix) is None:
        return None
    return opening


def _left_edge(t: str, s0: int, places: _PlacesInText, rules: _Rules) -> tuple[int, _Place | None, str]:
    """Walk left from a head word; returns (start, place at start, why the walk stopped)."""
    p = s0
    place: _Place | None = None
    stops, offset_stops = places.walk_stops, places.offset_stops
    while True:
        if p == 0:
            return p, place, "start"
        if s0 - p > _MAX_REACH:
            return p, place, "reach"
        ch = t[p - 1]
        if ch not in stops and p not in offset_stops:
            # the common step: a character of the name itself, none of the tests below applies
            place = None
            p -= 1
            continue
        if p == places.body_start:
            return p, place, "punct"
        if ch in "）)" and p != s0:
            opening = t.rfind("（", max(0, p - 10), p - 1)
            if opening < 0:
                opening = t.rfind("(", max(0, p - 10), p - 1)
            if opening >= 0 and not any(c in _PUNCT for c in t[opening + 1:p - 1]) \
                    and not any(w in t[max(0, opening - 1):p] for w in rules.credit_words):
                p = opening  # a bracket inside a name: 非公企业（园区）党群服务中心
                continue
        if ch == "、" and place is None and _level_at(t[p:p + 3], rules) is None:
            # "镇重点项目、重大活动保障指挥部": a level word opens a name that lists two tasks;
            # a level word right after 、 opens a second name (县供销社、县农商银行)
            chunk_start = p - 1
            while chunk_start > 0 and t[chunk_start - 1] not in _PUNCT and p - 1 - chunk_start < 8:
                chunk_start -= 1
            chunk = t[chunk_start:p - 1]
            if (chunk_start == 0 or t[chunk_start - 1] in _PUNCT) and chunk and _level_at(chunk, rules) \
                    and _ends_with_any(t, p - 1, rules.suffixes, rules.max_suffix) is None \
                    and not any(chunk[i:i + 2] in rules.suffixes for i in range(len(chunk))):
                return chunk_start, None, "punct"
        if ch == "”":
            opening = _quoted_part_start(t, p, rules)
            if opening is not None:
                p = opening  # a quoted part inside a name: 县委“两新”工委
                continue
        if ch in _PUNCT:
            return p, place, "punct"
        found = places.at(p)
        if found:
            place = found
            p = found.start
            prefix = _ends_with_any(t, p, rules.party_prefix)
            if prefix:
                return p - len(prefix), place, "place"
            if places.at(p) is not None:  # a place within a place: 汶上县次邱镇
                continue
            body_before = _ends_with_any(t, p, rules.suffixes, rules.max_suffix)
            if body_before and rules.suffixes[body_before].scope in ("stem", "body") and p - len(body_before) > 0:
                continue  # a unit of a body: 济宁市地税局任城分局
            return p, place, "place"
        if ch in rules.boundary_last and _ends_with_any(t, p, rules.boundary):
            return p, place, "boundary"
        if ch in _PLURAL_LAST and _PLURAL_BEFORE.search(t[max(0, p - 6):p]):
            return p, place, "plural"
        place = None
        p -= 1


def _head_words(t: str, rules: _Rules) -> list[tuple[int, _Suffix]]:
    """(end, head word) at each offset, in order, where a head word ends whose next character
    allows it to end a name: the longest such word."""
    if rules.suffix_ends is None:
        return []
    suffixes, by_pair, by_last = rules.suffixes, rules.suffix_lengths, rules.single_suffix_lengths
    found = []
    for match in rules.suffix_ends.finditer(t):
        end = match.end()
        nxt = t[end:end + 1]
        for size in by_pair.get(t[end - 2:end] if end >= 2 else "") or by_last.get(t[end - 1], ()):
            suffix = suffixes.get(t[end - size:end]) if size <= end else None
            if suffix is not None and nxt not in suffix.not_before:
                found.append((end, suffix))
                break
    return found


# ---------------------------------------------------------------- qualification
def _level_at(material: str, rules: _Rules) -> str | None:
    for size in (2, 1):
        word = material[:size]
        if word in rules.levels and material[:len(word) + 1] not in rules.not_level:
            return word
    return None


def _generic(material: str, suffix_start: int, rules: _Rules) -> bool:
    """A modifier at the start or right before the head word makes the reference generic."""
    for size in (2, 1):
        if material[:size] in rules.generic or material[suffix_start - size:suffix_start] in rules.generic:
            if material[:size] in rules.generic and material[:3] in rules.not_level:
                continue
            return True
    return False


def _qualifier(level: str, locality: Locality, places: _PlacesInText) -> tuple[str, str, str | None] | None:
    """(place type, canonical name, code) that a relative level word stands for in this story."""
    kind = _rules().levels[level]
    county = locality.county
    if kind == "county":
        if county and not county.endswith("市"):
            return "county", county, _code_of(county, "county")
        return None
    if kind == "city_or_county":
        if county and county.endswith("市"):
            return "county", county, _code_of(county, "county")
        if locality.city:
            return "city", locality.city, _code_of(locality.city, "city")
        return None
    if kind == "province":
        return ("province", locality.province, _code_of(locality.province, "province")) if locality.province else None
    if kind == "town":
        towns = places.towns()
        names = {p.name for p in towns}
        if len(names) == 1:
            town = towns[0]
            return "town", town.name, town.code
    return None


def _join(qualifier: str, rest: str) -> str:
    """Put the qualifier before a relative name, dropping a repeated level word."""
    for level in ("街道", "县", "市", "区", "省", "镇", "乡"):
        if rest.startswith(level) and qualifier.endswith(level):
            return qualifier + rest[len(level):]
    if rest[:1] in "县市区省镇乡" and qualifier.endswith(("开发区", "新区")):
        return qualifier + rest[1:]
    return qualifier + rest


@lru_cache(maxsize=None)
def _locality_link(place_type: str, name: str, code: str | None) -> Link:
    if place_type == "town":
        county = _county_of_town(code)
        if county:
            return Link("locatedIn", "county", county[0], county[1])
    return Link("locatedIn", place_type, name, code)


def _story_place(locality: Locality) -> tuple[str, str, str | None] | None:
    if locality.county:
        return "county", locality.county, _code_of(locality.county, "county")
    if locality.city:
        return "city", locality.city, _code_of(locality.city, "city")
    return None


def _clean(name: str) -> str:
    return _STRIP.sub("", name)


# ---------------------------------------------------------------- the finder
class _Found(NamedTuple):
    start: int
    end: int
    name: str
    kind: str
    link: Link | None


def _resolve(t: str, cand: _Candidate, locality: Locality, places: _PlacesInText, rules: _Rules) -> list[_Found]:
    suffix = cand.suffix
    material = t[cand.start:cand.end]
    head_at = len(material) - len(suffix.word)
    if material.endswith(rules.stop_tails):
        return []
    if suffix.word in rules.unit_bodies:
        unit_body = _unit_party_body(cand, material, places, rules)
        if unit_body is not None:
            return unit_body
    if cand.place is not None:
        place = cand.place
        rest = t[place.end:cand.end]
        if rest in rules.stop_names:
            return []
        if suffix.scope == "relative" and rest != suffix.word:
            # a place within the place may stand before the head word: 临沂市兰山区人民法院
            inner = places.at(cand.end - len(suffix.word))
            if inner is None or inner.start != place.end:
                return []
        if suffix.scope == "short":
            return []  # a printed place's zone is a place
        if place.type == "province" and place.name in rules.province_alias.values():
            pass
        name = _clean(material)
        if place.name in _zone_names() and place.start == cand.start and t[place.start:place.end] != place.name:
            # a zone's short form (经开区党工委, 太白湖新区管委会) stands for its canonical name,
            # as the zone itself does: 济宁经济技术开发区党工委
            name = place.name + _clean(rest)
        return [_Found(cand.start, cand.end, name, suffix.kind,
                       _locality_link(place.type, place.name, place.code))]
    if _generic(material, head_at, rules):
        return []
    level = _level_at(material, rules)
    if level:
        rest = material[len(level):]
        if not rest:
            return []
        if suffix.scope == "short":
            return []
        # "省市委": two level words sharing one committee
        second = _level_at(rest, rules)
        if suffix.scope == "relative" and second and rest[len(second):] == suffix.word:
            found = []
            for lv in (level, second):
                q = _qualifier(lv, locality, places)
                if q:
                    found.append(_Found(cand.start, cand.end, _join(q[1], lv + suffix.word), suffix.kind,
                                        _locality_link(*q)))
            return found
        if suffix.scope == "relative" and rest != suffix.word:
            return []
        if suffix.scope == "body" and rest == suffix.word and suffix.kind not in _LEVEL_ALONE_KINDS:
            return []  # "县局", "市中心": a level word and a bare head noun name no one body
        if rest in rules.stop_names:
            return []
        q = _qualifier(level, locality, places)
        if not q:
            return []
        return [_Found(cand.start, cand.end, _clean(_join(q[1], material)), suffix.kind, _locality_link(*q))]
    # bare: no place, no level word
    content = material[:head_at]
    if suffix.scope == "short":
        if locality.county and not locality.county.endswith(("开发区", "新区")):
            short = _short_form(locality.county) or locality.county
            if not content:
                return [_Found(cand.start, cand.end, short + suffix.word, suffix.kind,
                               _locality_link("county", locality.county, _code_of(locality.county, "county")))]
        return []
    if suffix.scope == "relative" or suffix.bare == "reject":
        return []
    if material in rules.stop_names:
        return []
    if suffix.scope == "body" and len(content) < rules.bare_min_content.get(suffix.word, 2):
        return []
    name = _clean(material)
    if material.startswith(rules.national_prefix):
        # a national body (中国矿业大学) lies in no place of the story
        return [_Found(cand.start, cand.end, name, suffix.kind, None)]
    story = _story_place(locality)
    if suffix.bare == "qualify":
        if not story:
            return []
        return [_Found(cand.start, cand.end, story[1] + name, suffix.kind, _locality_link(*story))]
    if suffix.bare == "keep":
        return [_Found(cand.start, cand.end, name, suffix.kind, _locality_link(*story) if story else None)]
    return [_Found(cand.start, cand.end, name, suffix.kind, None)]  # unplaced


def _unit_link(unit: _Place) -> Link | None:
    """The county a town, village or community lies in, by its division code."""
    county = _county_of_town(unit.code)
    return Link("locatedIn", "county", county[0], county[1]) if county else None


def _unit_party_body(cand: _Candidate, material: str, places: _PlacesInText, rules: _Rules) -> list[_Found] | None:
    """The party body of one named town, village or community (`黄安镇党委`, `刘庄村党支部`), its
    locality the unit's county; None where the name names no one unit.

    The unit is printed right before the head word, or the name is a unit word and the head
    word alone (`镇党委`, `社区党委`) and the sentence names exactly one unit of that kind (a town
    or a community: else the whole story does)."""
    suffix = cand.suffix
    head_start = cand.end - len(suffix.word)
    unit = places.units_by_end.get(head_start)
    if unit is not None:
        return [_Found(unit.start, cand.end, unit.name + suffix.word, suffix.kind, _unit_link(unit))]
    place = cand.place
    if place is not None:
        if place.type == "town" and place.end == head_start:
            return [_Found(cand.start, cand.end, _clean(material), suffix.kind,
                           _locality_link(place.type, place.name, place.code))]
        return None
    unit_word = material[:head_start - cand.start]
    unit_type = rules.unit_words.get(unit_word)
    if unit_type is None:
        return None
    left, right = places.text.sentence_bounds(cand.start, cand.end)
    named = {u.name: u for u in places.units(unit_type, left, right)}
    if not named and unit_type in _STORY_WIDE_UNITS:
        named = {u.name: u for u in places.units(unit_type)}
    if len(named) != 1:
        return []
    unit = next(iter(named.values()))
    if not unit.name.endswith(unit_word):
        return []
    return [_Found(cand.start, cand.end, unit.name + suffix.word, suffix.kind, _unit_link(unit))]


def _national(t: str, end: int, suffix: _Suffix, rules: _Rules) -> _Found | None:
    start = end - len(suffix.word)
    if suffix.scope == "coord":
        # "中央和省市委": the centre named beside the committees of lower levels
        if not _COORD_AFTER.match(t[end:end + 4]):
            return None
    return _Found(start, end, suffix.canonical or suffix.word, suffix.kind, None)


_ACCOUNT = re.compile(r"“([^“”，。]{2,12})”(?:微信)?(?:公众号|微博|客户端)")


def _accounts(t: str, locality: Locality) -> list[_Found]:
    """An organization's own public account ("“泗水组工”微信公众号") is a media body."""
    found = []
    words = _place_words(locality.city, locality.province)
    for m in _ACCOUNT.finditer(t):
        name = m.group(1)
        link = None
        for size in range(min(6, len(name)), 1, -1):
            entry = words.get(name[:size])
            if entry:
                link = _locality_link(*entry)
                break
        if link is None:
            story = _story_place(locality)
            link = _locality_link(*story) if story else None
        found.append(_Found(m.start(), m.end(), name, "media", link))
    return found


def _merge_forms(found: list[_Found]) -> list[_Found]:
    """One body printed in a longer and a shorter form gets the longer form's name.

    A form without its parenthesis (`非公企业党群服务中心` beside `非公企业（园区）党群服务中心`)
    and a bare trade name printed earlier with its place (`乡村振兴网络学院` after
    `县乡村振兴网络学院`) are the same body.
    """
    names = {f.name for f in found}
    unparen = {re.sub(r"（[^）]*）|\([^)]*\)", "", n): n for n in names if "（" in n or "(" in n}
    out = []
    for f in found:
        target = unparen.get(f.name)
        if target is None and f.link is not None:
            short = _short_form(f.link.target_name)
            if short and f.name.startswith(short) and not f.name.startswith(f.link.target_name):
                full = f.link.target_name + f.name[len(short):]
                if full in names:
                    target = full
        if target is None and f.link is not None and len(f.name) >= 4:
            longer = [n for n in names if n != f.name and n.endswith(f.name)]
            if len(longer) == 1:
                target = longer[0]
        if target:
            other = next(g for g in found if g.name == target)
            f = _Found(f.start, f.end, target, other.kind, other.link)
        out.append(f)
    return out


def find_organizations(article: Article, text: Normalized, locality: Locality,
                       places: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """Organizations named in one story's text, qualified by the story's place."""
    rules = _rules()
    t = text.text
    places_in_text = _PlacesInText(text, locality, places, text.index_from(article.body_start))
    candidates: list[_Candidate] = []
    found: list[_Found] = []
    quotes = [(opener, closer) for opener, closer in _OPEN_QUOTES.items() if opener in t]
    reversed_t = t[::-1] if quotes else ""
    for end, suffix in _head_words(t, rules):
        s0 = end - len(suffix.word)
        if _inside_quotes(t, s0, reversed_t, quotes):
            continue
        if suffix.scope in ("national", "coord"):
            national = _national(t, end, suffix, rules)
            if national:
                found.append(national)
            continue
        start, place, why = _left_edge(t, s0, places_in_text, rules)
        if why == "reach":
            continue
        if why == "plural" or _plural_before(t, start):
            continue
        if place is None:
            # a level word inside the walked span starts the name ("坚持县委工作专班");
            # `_level_at` reads at most three characters
            for i in range(start, s0):
                if t[i] in rules.level_first and _level_at(t[i:min(i + 3, end)], rules) \
                        and t[i - 1:i + 1] not in rules.not_level and (i == start or t[i - 1] not in rules.levels):
                    # "全县离退休干部党支部": a level word closing a generic one (全县) keeps it,
                    # so the name reads as the generic reference it is
                    start = i - 1 if i > start and t[i - 1:i + 1] in rules.generic else i
                    break
        if start == s0 and place is None and suffix.scope not in ("stem", "short"):
            continue
        candidates.append(_Candidate(start, end, suffix, place))
    resolved: list[_Found] = []
    for cand in candidates:
        resolved.extend(_resolve(t, cand, locality, places_in_text, rules))
    # a body inside a longer body's name is part of it (县委 in 县委组织部机关党委): in order of
    # start, longer first, a body lies inside another span iff a body sorted before its span ends
    # at or after it
    resolved.sort(key=lambda f: (f.start, -f.end))
    reach_before_span, reach, span = -1, -1, None
    for f in resolved:
        if (f.start, f.end) != span:
            span, reach_before_span = (f.start, f.end), reach
        reach = max(reach, f.end)
        if reach_before_span >= f.end:
            continue
        found.append(f)
    found.extend(_accounts(t, locality))
    found = _merge_forms(sorted(found, key=lambda f: (f.start, f.end)))
    mentions = []
    for f in found:
        start, end = text.span(f.start, f.end)
        mentions.append(Mention(
            source=article.source, article=article.index, type=ORGANIZATION, name=f.name,
            text=text.printed[f.start:f.end], start=start, end=end,
            sentence=text.sentence(f.start, f.end), links=(f.link,) if f.link else (), kind=f.kind))
    return tuple(mentions)
