"""The official divisions of China, loaded once, with every surface form that names them.

Sources (see `kg/data/SOURCES.md`): `divisions.csv` (NBS 2023: province, city, county,
township with 12-digit codes), `villages_jining.csv` (济宁's villages and communities) and
`functional_zones.tsv` (zones a city runs like a county, some without a code).

Each division is reachable by its key (the code, or `zone:<name>` for a zone without one),
by its parent and children, and by every surface form: its full name, the short form its
suffix grammar leaves (`梁山县` -> `梁山`, see `place_suffixes.tsv`) and a zone's aliases.
An Aho-Corasick automaton over all surface forms finds them in a text in one pass.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Iterator, Mapping

from kg.errors import ResourceError
from kg.resources import load_csv, load_table, load_words

# Division types, from the widest; the same names as kg.model.PLACE_TYPES.
LEVEL_TYPES = {"province": "province", "city": "city", "county": "county", "township": "town"}

FULL, SHORT, ALIAS, CONTEXT_ALIAS = "full", "short", "alias", "context_alias"


@dataclass(frozen=True)
class Division:
    """One official place: `key` is its code, or `zone:<name>` for a zone without one."""

    key: str
    name: str
    type: str
    code: str | None
    parent: str | None  # key of the next real place up (placeholder rows skipped)


@dataclass(frozen=True)
class Reading:
    """One way a surface form can be read: as `division`, by `form` (full/short/alias/context_alias)."""

    division: Division
    form: str


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Read-only index of divisions; build it with `load_gazetteer()`."""

    divisions: Mapping[str, Division]
    _children: Mapping[str, tuple[str, ...]]
    _readings: Mapping[str, tuple[Reading, ...]]
    _automaton: object = field(repr=False)

    def get(self, key: str | None) -> Division | None:
        return self.divisions.get(key) if key else None

    def by_code(self, code: str) -> Division | None:
        division = self.divisions.get(code)
        return division if division is not None and division.code == code else None

    def children(self, key: str) -> tuple[Division, ...]:
        return tuple(self.divisions[k] for k in self._children.get(key, ()))

    def parent(self, division: Division) -> Division | None:
        return self.get(division.parent)

    def chain(self, division: Division) -> tuple[Division, ...]:
        """The division and every place above it, nearest first."""
        out = [division]
        while (up := self.get(out[-1].parent)) is not None:
            out.append(up)
        return tuple(out)

    def ancestor(self, division: Division, type_: str) -> Division | None:
        """The nearest place of `type_` in the chain (the division itself included)."""
        return next((d for d in self.chain(division) if d.type == type_), None)

    def contains(self, outer: Division, inner: Division) -> bool:
        return any(d.key == outer.key for d in self.chain(inner))

    def candidates(self, surface: str) -> tuple[Reading, ...]:
        """Every reading of a surface form, widest level first."""
        return self._readings.get(surface, ())

    def named(self, name: str, type_: str | None = None) -> tuple[Division, ...]:
        """Divisions whose canonical name is `name` (optionally of one type)."""
        return tuple(r.division for r in self.candidates(name)
                     if r.form == FULL and (type_ is None or r.division.type == type_))

    def find_surfaces(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Every occurrence `(start, end, surface)` of a surface form in `text`, overlaps included."""
        for last, surface in self._automaton.iter(text):
            yield last + 1 - len(surface), last + 1, surface


# ---------------------------------------------------------------- suffix grammar
@lru_cache(maxsize=1)
def _suffix_rules() -> dict[str, list[tuple[str, int, bool, str]]]:
    rules: dict[str, list[tuple[str, int, bool, str]]] = defaultdict(list)
    for n, row in enumerate(load_table("place_suffixes.tsv"), 1):
        try:
            min_stem = int(row["min_stem"])
        except ValueError:
            raise ResourceError(f"place_suffixes.tsv: row {n}: min_stem {row['min_stem']!r} is no number") from None
        rules[row["type"]].append((row["suffix"], min_stem, row["strip_ethnic"] == "yes", row["also"]))
    for suffixes in rules.values():
        suffixes.sort(key=lambda rule: -len(rule[0]))
    return rules


def short_forms(name: str, type_: str) -> tuple[str, ...]:
    """The short forms the suffix grammar leaves of a province, city or county name (maybe none)."""
    for suffix, min_stem, strip_ethnic, also in _suffix_rules().get(type_, ()):
        if not name.endswith(suffix):
            continue
        stem = name[: -len(suffix)]
        if strip_ethnic:
            stem = _strip_ethnic(stem, min_stem)
        if not min_stem or len(stem) < min_stem:
            return ()
        return (stem, stem + also) if also else (stem,)
    return ()


def _strip_ethnic(stem: str, min_stem: int) -> str:
    groups = sorted(load_words("ethnic_groups.txt"), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for group in groups:
            if stem.endswith(group) and len(stem) - len(group) >= min_stem:
                stem = stem[: -len(group)]
                changed = True
                break
    return stem


def village_name(raw: str) -> tuple[str, str] | None:
    """`(canonical name, type)` of an NBS village committee row, or None if it names no village."""
    for row in sorted(load_table("village_suffixes.tsv"), key=lambda r: -len(r["suffix"])):
        suffix = row["suffix"]
        if not raw.endswith(suffix):
            continue
        if row["type"] == "skip":
            return None
        stem = raw[: -len(suffix)]
        if not stem:
            return None
        restore = row["restore"]
        return (stem if stem.endswith(restore) else stem + restore), row["type"]
    return None


def is_town_name(name: str) -> bool:
    return name.endswith(tuple(load_words("town_suffixes.txt")))


# ---------------------------------------------------------------- loading
@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer of all of China (plus 济宁's villages and zones), built once."""
    try:
        import ahocorasick
    except ImportError as exc:  # pragma: no cover - the dependency is declared
        raise ResourceError("the place gazetteer needs pyahocorasick: pip install pyahocorasick") from exc

    placeholders = frozenset(load_words("placeholder_divisions.txt"))
    rows = load_csv("divisions.csv")
    raw_parent = {row["code"]: row["parent_code"] or None for row in rows}
    skipped = {row["code"] for row in rows
               if row["name"] in placeholders
               or (row["level"] == "township" and not is_town_name(row["name"]))}

    def real_parent(code: str | None) -> str | None:
        while code is not None and code in skipped:
            code = raw_parent.get(code)
        return code

    divisions: dict[str, Division] = {}
    for n, row in enumerate(rows, 2):
        level = LEVEL_TYPES.get(row["level"])
        if level is None:
            raise ResourceError(f"divisions.csv:{n}: unknown level {row['level']!r}")
        if row["code"] in skipped:
            continue
        divisions[row["code"]] = Division(row["code"], row["name"], level, row["code"],
                                          real_parent(raw_parent[row["code"]]))
    for n, row in enumerate(load_csv("villages_jining.csv"), 2):
        named = village_name(row["name"])
        if named is None:
            continue
        parent = real_parent(row["parent_code"])  # a few hang off a non-town unit: use its county
        if parent not in divisions:
            raise ResourceError(f"villages_jining.csv:{n}: parent {row['parent_code']} is unknown")
        divisions[row["code"]] = Division(row["code"], named[0], named[1], row["code"], parent)

    extra: dict[str, list[Reading]] = defaultdict(list)
    for row in load_table("functional_zones.tsv"):
        code = row["code"] or None
        if code is not None:
            zone = divisions.get(code)
            if zone is None or zone.name != row["name"]:
                raise ResourceError(f"functional_zones.tsv: {row['name']} does not match row {code} of divisions.csv")
        else:
            if row["parent_code"] not in divisions:
                raise ResourceError(f"functional_zones.tsv: parent {row['parent_code']} of {row['name']} is unknown")
            zone = Division(f"zone:{row['name']}", row["name"], "county", None, row["parent_code"])
            divisions[zone.key] = zone
        for column, form in (("aliases", ALIAS), ("context_aliases", CONTEXT_ALIAS)):
            for alias in filter(None, (a.strip() for a in row[column].split("|"))):
                extra[alias].append(Reading(zone, form))

    children: dict[str, list[str]] = defaultdict(list)
    readings: dict[str, list[Reading]] = defaultdict(list)
    zone_keys = {r.division.key for rs in extra.values() for r in rs}
    for division in divisions.values():
        if division.parent is not None:
            children[division.parent].append(division.key)
        readings[division.name].append(Reading(division, FULL))
        if division.type in ("province", "city", "county") and division.key not in zone_keys:
            for short in short_forms(division.name, division.type):
                readings[short].append(Reading(division, SHORT))
    for surface, rs in extra.items():
        readings[surface].extend(rs)

    rank = {t: i for i, t in enumerate(("province", "city", "county", "town", "village", "community"))}
    automaton = ahocorasick.Automaton()
    for surface in readings:
        automaton.add_word(surface, surface)
    automaton.make_automaton()
    return Gazetteer(
        divisions=MappingProxyType(divisions),
        _children=MappingProxyType({k: tuple(v) for k, v in children.items()}),
        _readings=MappingProxyType({s: tuple(sorted(rs, key=lambda r: rank[r.division.type]))
                                    for s, rs in readings.items()}),
        _automaton=automaton,
    )
