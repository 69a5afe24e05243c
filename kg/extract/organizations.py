"""Organization finder: specific bodies named in a story, by suffix grammar.

A body's name ends with a head word (`kg/data/org_suffixes.tsv`: 委, 组织部, 局, 中心,
学院, 集团…). Its left edge is found by grammar, walking left from the head word over
the name's own characters until a punctuation mark, a word that governs a body as object
(`联合`, `由`, `争取`…), or a printed place (`济宁市城管局`). What stands at the left edge
decides the canonical name (`kg/data/org_relative_prefixes.tsv`):

- a place: the name stays as printed and the place is its locality;
- a relative level word (县/市/区/省/镇): the story's place qualifies it
  (`县委组织部` in a 梁山县 story -> `梁山县委组织部`);
- neither: a department stem (`医保局`) is the story's own; a trade name (`XX集团`)
  stays as printed; a head noun with a mere description is generic and is not listed.

Generic and plural references (`kg/data/org_stoplist.txt`, numerals before the name,
quoted slogans) are never listed: precision matters as much as recall.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.gazetteer import division_rows
from kg.model import Article, Link, Locality, Mention
from kg.normalize import Normalized
from kg.resources import load_table, load_words

ORGANIZATION = "organization"

# A name is never longer than this many characters to the left of its head word.
_MAX_REACH = 22
_PUNCT = set("，。、；：？！,.;:?!“”\"‘’'《》〈〉「」『』【】[]（）()—-－…·•■●/|+＋=<>~～#*")
_OPEN_QUOTES = {"“": "”", "《": "》", "‘": "’", "「": "」", "『": "』"}
_PLURAL_BEFORE = re.compile(r"(?:[0-9一二三四五六七八九十百千两几多余]+|多|各|若干)(?:个|家|支|名|所|处|类|批|大|级)$")
# Kinds whose head noun after a bare level word is that place's own body ("县医院", "镇党委").
_LEVEL_ALONE_KINDS = frozenset({"hospital", "court", "school", "party_committee", "mass_organization", "media"})
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


@dataclass(frozen=True)
class _Place:
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
    province_alias: dict[str, str]
    not_level: frozenset[str]
    stop_names: frozenset[str]
    stop_tails: tuple[str, ...]


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
    return _Rules(
        suffixes=suffixes,
        max_suffix=max(map(len, suffixes)),
        levels=by_role.get("level", {}),
        generic=frozenset(by_role.get("generic", {})),
        boundary=frozenset(by_role.get("boundary", {})),
        party_prefix=frozenset(by_role.get("party_prefix", {})),
        province_alias=by_role.get("province_alias", {}),
        not_level=frozenset(by_role.get("not_level", {})),
        stop_names=frozenset(w for w in stop if not w.startswith("*")),
        stop_tails=tuple(w[1:] for w in stop if w.startswith("*")),
    )


# ---------------------------------------------------------------- gazetteer
_LEVEL_SUFFIXES = ("自治区", "省", "市", "县", "区")


def _short_form(name: str) -> str | None:
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=None)
def _divisions() -> tuple[dict[str, dict[str, str]], dict[str, list[dict[str, str]]]]:
    by_code = {row["code"]: row for row in division_rows()}
    by_name: dict[str, list[dict[str, str]]] = {}
    for row in by_code.values():
        by_name.setdefault(row["name"], []).append(row)
    return by_code, by_name


def _code_of(name: str, level: str) -> str | None:
    rows = [r for r in _divisions()[1].get(name, []) if r["level"] == level]
    return rows[0]["code"] if len(rows) == 1 else None


@lru_cache(maxsize=None)
def _place_words(city: str | None, province: str | None) -> dict[str, tuple[str, str, str | None]]:
    """Surface -> (type, canonical, code) of places a body's name may start with."""
    by_code, _ = _divisions()
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
        for row in by_code.values():
            if row["parent_code"] == city_code and row["level"] == "county" and row["name"] != "市辖区":
                entry = ("county", row["name"], row["code"])
                words[row["name"]] = entry
                short = _short_form(row["name"])
                if short:
                    words[short] = entry
        counties = {r["code"] for r in by_code.values() if r["parent_code"] == city_code}
        for row in by_code.values():
            if row["level"] == "township" and row["parent_code"] in counties:
                words.setdefault(row["name"], ("town", row["name"], row["code"]))
        for row in load_table("functional_zones.tsv"):
            if row["parent_code"] == city_code:
                entry = ("county", row["name"], row["code"] or None)
                for surface in [row["name"], *filter(None, row["aliases"].split("|"))]:
                    words[surface] = entry
    for alias, target in _rules().province_alias.items():
        add(alias, ("province", target, _code_of(target, "province")))
    return words


def _county_of_town(code: str | None) -> tuple[str, str] | None:
    if not code:
        return None
    row = _divisions()[0].get(code[:6] + "000000")
    return (row["name"], row["code"]) if row else None


@lru_cache(maxsize=None)
def _place_automaton(city: str | None, province: str | None):
    """Aho-Corasick automaton of the place words of two characters or more: one pass finds every
    word ending at every offset, where a dict lookup per offset per length was the hot spot."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in _place_words(city, province):
        if len(word) >= 2:
            automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _runs_of(words) -> re.Pattern | None:
    """Runs of the characters `words` are made of, as long as the shortest word or longer: every
    occurrence of a word lies inside one, and the automaton needs to read only those (its
    per-character step costs far more than this scan where the runs are few, as for place names).
    None when there are no words."""
    words = [w for w in words if w]
    if not words:
        return None
    alphabet = "".join(sorted({c for w in words for c in w}))
    return re.compile(f"[{re.escape(alphabet)}]{{{min(map(len, words))},}}")


def _matches(automaton, runs: re.Pattern | None, t: str):
    """`automaton.iter(t)`, in the same order, reading only the runs where a word can be."""
    if runs is None:
        return
    for run in runs.finditer(t):
        offset = run.start()
        for last, value in automaton.iter(run.group()):
            yield last + offset, value


@lru_cache(maxsize=None)
def _place_runs(city: str | None, province: str | None) -> re.Pattern | None:
    return _runs_of(w for w in _place_words(city, province) if len(w) >= 2)


@lru_cache(maxsize=1)
def _suffix_automaton():
    """Aho-Corasick automaton of the head words: one pass finds every head word ending at every
    offset, where a dict lookup per offset per length was the hot spot."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in _rules().suffixes:
        if word:  # an empty head word never ends a name (`_suffix_at` looks at one character or more)
            automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def _suffix_ends(t: str) -> list[int]:
    """The offsets, in order, where at least one head word ends."""
    if not t:
        return []
    # the whole text in one pass: head words are common characters, runs of them would be many and short
    return sorted({last + 1 for last, _ in _suffix_automaton().iter(t)})


# ---------------------------------------------------------------- places in this text
def _places_by_end(text: Normalized, locality: Locality, places: tuple[Mention, ...]) -> dict[int, _Place]:
    """Every place that ends at a normalised offset (the longest one), gazetteer and finder."""
    t = text.text
    words = _place_words(locality.city, locality.province)
    longest_at: dict[int, str] = {}
    automaton = _place_automaton(locality.city, locality.province)
    for last, word in _matches(automaton, _place_runs(locality.city, locality.province), t):
        if len(word) > len(longest_at.get(last + 1, "")):
            longest_at[last + 1] = word
    found: dict[int, _Place] = {}
    for end in sorted(longest_at):
        word = longest_at[end]
        found[end] = _Place(end - len(word), end, *words[word])
    for m in places:
        s, e = text.index_of(m.start), text.index_of(m.end - 1)
        if s is None or e is None or m.type not in ("province", "city", "county", "town"):
            continue
        e += 1
        if e not in found or found[e].start > s:
            found[e] = _Place(s, e, m.type, m.name, m.code)
    return found


# ---------------------------------------------------------------- candidates
@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    suffix: _Suffix
    place: _Place | None  # the place the printed name starts with


def _ends_with_any(t: str, at: int, words: frozenset[str], longest: int = 4) -> str | None:
    for size in range(min(longest, at), 0, -1):
        if t[at - size:at] in words:
            return t[at - size:at]
    return None


def _inside_quotes(t: str, start: int, end: int) -> bool:
    """Whether [start, end) lies inside a quoted phrase or a title in 《》 of its sentence."""
    left = start
    while left > 0 and t[left - 1] not in "。！？；!?;":
        left -= 1
    for opener, closer in _OPEN_QUOTES.items():
        before = t[left:start]
        if before.count(opener) > before.count(closer):
            return True
    return False


def _left_edge(t: str, s0: int, places_end: dict[int, _Place], rules: _Rules) -> tuple[int, _Place | None, str]:
    """Walk left from a head word; returns (start, place at start, why the walk stopped)."""
    p = s0
    place: _Place | None = None
    while True:
        if p == 0:
            return p, place, "start"
        if s0 - p > _MAX_REACH:
            return p, place, "reach"
        ch = t[p - 1]
        if ch in "）)" and p != s0:
            opening = t.rfind("（", max(0, p - 10), p - 1)
            if opening < 0:
                opening = t.rfind("(", max(0, p - 10), p - 1)
            if opening >= 0 and not any(c in _PUNCT for c in t[opening + 1:p - 1]):
                p = opening
                continue
        if ch == "、" and place is None:
            # "镇重点项目、重大活动保障指挥部": a level word opens a name that lists two tasks
            chunk_start = p - 1
            while chunk_start > 0 and t[chunk_start - 1] not in _PUNCT and p - 1 - chunk_start < 8:
                chunk_start -= 1
            chunk = t[chunk_start:p - 1]
            if (chunk_start == 0 or t[chunk_start - 1] in _PUNCT) and chunk and _level_at(chunk, rules) \
                    and _ends_with_any(t, p - 1, frozenset(rules.suffixes), rules.max_suffix) is None \
                    and not any(chunk[i:i + 2] in rules.suffixes for i in range(len(chunk))):
                return chunk_start, None, "punct"
        if ch in _PUNCT:
            return p, place, "punct"
        found = places_end.get(p)
        if found:
            place = found
            p = found.start
            prefix = _ends_with_any(t, p, rules.party_prefix)
            if prefix:
                return p - len(prefix), place, "place"
            if p in places_end:  # a place within a place: 汶上县次邱镇
                continue
            body_before = _ends_with_any(t, p, frozenset(rules.suffixes), rules.max_suffix)
            if body_before and rules.suffixes[body_before].scope in ("stem", "body") and p - len(body_before) > 0:
                continue  # a unit of a body: 济宁市地税局任城分局
            return p, place, "place"
        if _ends_with_any(t, p, rules.boundary):
            return p, place, "boundary"
        if _PLURAL_BEFORE.search(t[max(0, p - 6):p]):
            return p, place, "plural"
        place = None
        p -= 1


def _suffix_at(t: str, end: int, rules: _Rules) -> _Suffix | None:
    """The longest head word ending at `end` whose next character allows it to end a name."""
    nxt = t[end] if end < len(t) else ""
    for size in range(min(rules.max_suffix, end), 0, -1):
        suffix = rules.suffixes.get(t[end - size:end])
        if suffix and nxt not in suffix.not_before:
            return suffix
    return None


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


def _qualifier(level: str, locality: Locality, towns: list[_Place]) -> tuple[str, str, str | None] | None:
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
@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    name: str
    kind: str
    link: Link | None


def _resolve(t: str, cand: _Candidate, locality: Locality, towns: list[_Place], rules: _Rules) -> list[_Found]:
    suffix = cand.suffix
    material = t[cand.start:cand.end]
    head_at = len(material) - len(suffix.word)
    if any(material.endswith(tail) for tail in rules.stop_tails):
        return []
    if cand.place is not None:
        place = cand.place
        rest = t[place.end:cand.end]
        if rest in rules.stop_names or (suffix.scope == "relative" and rest != suffix.word):
            return []
        if suffix.scope == "short":
            return []  # a printed place's zone is a place
        if place.type == "province" and place.name in rules.province_alias.values():
            pass
        return [_Found(cand.start, cand.end, _clean(material), suffix.kind,
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
                q = _qualifier(lv, locality, towns)
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
        q = _qualifier(level, locality, towns)
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
    if suffix.scope == "body" and len(content) < 2:
        return []
    story = _story_place(locality)
    name = _clean(material)
    if suffix.bare == "qualify":
        if not story:
            return []
        return [_Found(cand.start, cand.end, story[1] + name, suffix.kind, _locality_link(*story))]
    if suffix.bare == "keep":
        return [_Found(cand.start, cand.end, name, suffix.kind, _locality_link(*story) if story else None)]
    return [_Found(cand.start, cand.end, name, suffix.kind, None)]  # unplaced


def _national(t: str, end: int, suffix: _Suffix, rules: _Rules) -> _Found | None:
    start = end - len(suffix.word)
    if suffix.scope == "coord":
        # "中央和省市委": the centre named beside the committees of lower levels
        if not _COORD_AFTER.match(t[end:end + 4]):
            return None
    return _Found(start, end, suffix.canonical or suffix.word, suffix.kind, None)


_ACCOUNT = re.compile(r"“([^“”，。]{2,12})”(?:微信)?(?:公众号|微博|客户端)")


def _accounts(t: str, locality: Locality, places_end: dict[int, _Place]) -> list[_Found]:
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
        if target is None and f.link is not None:
            longer = [n for n in names if n != f.name and n.endswith(f.name) and len(f.name) >= 4]
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
    places_end = _places_by_end(text, locality, places)
    towns = sorted({p.name: p for p in places_end.values() if p.type == "town"}.values(), key=lambda p: p.start)
    candidates: list[_Candidate] = []
    found: list[_Found] = []
    for end in _suffix_ends(t):
        suffix = _suffix_at(t, end, rules)
        if suffix is None:
            continue
        s0 = end - len(suffix.word)
        if _inside_quotes(t, s0, end):
            continue
        if suffix.scope in ("national", "coord"):
            national = _national(t, end, suffix, rules)
            if national:
                found.append(national)
            continue
        start, place, why = _left_edge(t, s0, places_end, rules)
        if why == "reach":
            continue
        if why == "plural" or _PLURAL_BEFORE.search(t[max(0, start - 6):start]):
            continue
        if place is None:
            # a level word inside the walked span starts the name ("坚持县委工作专班")
            for i in range(start, s0):
                if _level_at(t[i:end], rules) and t[i - 1:i + 1] not in rules.not_level and (
                        i == start or t[i - 1] not in rules.levels):
                    start = i
                    break
        if start == s0 and place is None and suffix.scope not in ("stem", "short"):
            continue
        candidates.append(_Candidate(start, end, suffix, place))
    resolved: list[_Found] = []
    for cand in candidates:
        resolved.extend(_resolve(t, cand, locality, towns, rules))
    # a body inside a longer body's name is part of it (县委 in 县委组织部机关党委)
    resolved.sort(key=lambda f: (f.start, -f.end))
    for f in resolved:
        if any(k.start <= f.start and f.end <= k.end and (k.start, k.end) != (f.start, f.end) for k in resolved):
            continue
        found.append(f)
    found.extend(_accounts(t, locality, places_end))
    found = _merge_forms(sorted(found, key=lambda f: (f.start, f.end)))
    mentions = []
    for f in found:
        start, end = text.span(f.start, f.end)
        mentions.append(Mention(
            source=article.source, article=article.index, type=ORGANIZATION, name=f.name,
            text=text.printed[f.start:f.end], start=start, end=end,
            sentence=text.sentence(f.start, f.end), links=(f.link,) if f.link else (), kind=f.kind))
    return tuple(mentions)
