"""The official divisions of China, loaded once, with every surface form that names them.

Sources (see `kg/data/SOURCES.md`): `divisions.csv` (NBS 2023: province, city, county,
township with 12-digit codes), `villages_jining.csv` (济宁's villages and communities) and
`functional_zones.tsv` (zones a city runs like a county, some without a code).

Each division is reachable by its key (the code, or `zone:<name>` for a zone without one),
by its parent and children, and by every surface form: its full name, the short form its
suffix grammar leaves (`梁山县` -> `梁山`, see `place_suffixes.tsv`) and a zone's aliases.
An index of the surface forms by their last two (for some, three) characters finds them in a
text in one pass (no surface form is shorter than two characters).

Building all this from the files takes longer than building one page, so the built tables and
that index (and the raw rows of `divisions.csv`, see `division_rows()`) are kept between runs in cache files
(`$XDG_CACHE_HOME/dangjian-kg/`, else `~/.cache/dangjian-kg/`), keyed by the bytes of every file
they are built from and of the code that builds them. A cache file that is stale, unreadable or
fails its checksum is rebuilt; one that cannot be written is skipped. The tables are kept as
plain strings: a `Division` or `Reading` is made only when a lookup first asks for it, as a page
looks up a few hundred of the 50,000 places.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import zlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator

import kg.resources
from kg.errors import ResourceError
from kg.resources import DATA_DIR, load_csv, load_table, load_words

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


# The tables the gazetteer answers from, each packed as two strings (the form the cache keeps):
# keys joined by RECORD, and for each key its fields joined by FIELD, in the same order.
#   rows      key -> name, type, code, parent key ("" for None)
#   children  key -> keys of the places right below it
#   readings  surface -> key, form, key, form, ... (widest level first)
# Two control characters that no name holds (checked when the tables are built).
RECORD, FIELD = "\x1e", "\x1f"
Packed = tuple[str, str, str, str, str, str]  # rows, children, readings: keys and fields of each
# Surface forms by their last two characters: for each such pair, the lengths of the surface
# forms ending in it, longest first. Scanning a text, a regular expression (see `_pair_finder`)
# skips in C the characters that end no pair and most of those that end no pair after the
# character before them; one dict lookup passes over most of the few left, and the rest try their
# lengths against the readings table. A pair that ends surface forms of many lengths (`社区`,
# `街道`: a text uses them as words far more often than as the end of a name) is marked by a
# first length of BY_LAST_THREE, followed by 2 if the pair is a surface form itself; the longer
# forms ending in it are listed under their last three characters instead, which is one lookup
# where trying each length would be up to fourteen. This is many times faster than an
# Aho-Corasick automaton (whose root has thousands of children), and yields the same occurrences
# in the same order (by end, longest first).
BY_LAST_THREE = 0
BUSY_PAIR = 4  # a pair ending surface forms of more lengths than this is marked BY_LAST_THREE
EndIndex = dict[str, tuple[int, ...]]


def _unpack(keys: str, fields: str) -> dict[str, str]:
    return dict(zip(keys.split(RECORD), fields.split(RECORD))) if keys else {}


class Gazetteer:
    """Read-only index of divisions; get it with `load_gazetteer()`."""

    __slots__ = ("_rows", "_readings", "_packed_children", "_children", "_ends", "_pairs", "_divisions", "_read",
                 "_chains", "__weakref__")  # __weakref__: finders may keep derived tables per gazetteer

    def __init__(self, packed: Packed, ends: EndIndex):
        row_keys, rows, parent_keys, children, surfaces, readings = packed
        self._rows = _unpack(row_keys, rows)
        self._readings = _unpack(surfaces, readings)
        self._packed_children = parent_keys, children  # unpacked on the first `children()`: pages never ask
        self._children: dict[str, str] | None = None
        self._ends = ends
        self._pairs: re.Pattern[str] | None = None  # compiled on the first `find_surfaces()`
        self._divisions: dict[str, Division] = {}  # made so far: a key always gives the same object
        self._read: dict[str, tuple[Reading, ...]] = {}
        self._chains: dict[str, tuple[Division, ...]] = {}  # by key: a page asks for the same few many times

    @property
    def divisions(self) -> Mapping[str, Division]:
        """Every division by key."""
        return _DivisionView(self)

    def _division(self, key: str) -> Division | None:
        division = self._divisions.get(key)
        if division is None:
            row = self._rows.get(key)
            if row is None:
                return None
            name, type_, code, parent = row.split(FIELD)
            division = self._divisions[key] = Division(key, name, type_, code or None, parent or None)
        return division

    def get(self, key: str | None) -> Division | None:
        return self._division(key) if key else None

    def by_code(self, code: str) -> Division | None:
        division = self._division(code)
        return division if division is not None and division.code == code else None

    def children(self, key: str) -> tuple[Division, ...]:
        if self._children is None:
            self._children = _unpack(*self._packed_children)
        below = self._children.get(key)
        return tuple(self._division(k) for k in below.split(FIELD)) if below else ()

    def parent(self, division: Division) -> Division | None:
        return self.get(division.parent)

    def chain(self, division: Division) -> tuple[Division, ...]:
        """The division and every place above it, nearest first."""
        chain = self._chains.get(division.key)
        if chain is None or chain[0] is not division:  # a Division made by hand is not the stored one
            up = self.get(division.parent)
            chain = (division,) + (self.chain(up) if up is not None else ())
            if self._divisions.get(division.key) is division:
                self._chains[division.key] = chain
        return chain

    def ancestor(self, division: Division, type_: str) -> Division | None:
        """The nearest place of `type_` in the chain (the division itself included)."""
        for d in self.chain(division):
            if d.type == type_:
                return d
        return None

    def contains(self, outer: Division, inner: Division) -> bool:
        key = outer.key
        for d in self.chain(inner):
            if d.key == key:
                return True
        return False

    def candidates(self, surface: str) -> tuple[Reading, ...]:
        """Every reading of a surface form, widest level first."""
        readings = self._read.get(surface)
        if readings is None:
            packed = self._readings.get(surface)
            if packed is None:
                return ()
            fields = packed.split(FIELD)
            readings = self._read[surface] = tuple(Reading(self._division(key), form)
                                                   for key, form in zip(fields[::2], fields[1::2]))
        return readings

    def named(self, name: str, type_: str | None = None) -> tuple[Division, ...]:
        """Divisions whose canonical name is `name` (optionally of one type)."""
        return tuple(r.division for r in self.candidates(name)
                     if r.form == FULL and (type_ is None or r.division.type == type_))

    def find_surfaces(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Every occurrence `(start, end, surface)` of a surface form in `text`, overlaps included,
        by end and, at one end, longest first."""
        pairs = self._pairs
        if pairs is None:
            pairs = self._pairs = _pair_finder(self._ends)
        lengths_ending = self._ends.get
        surfaces = self._readings
        found = []
        for end in map(_match_end, pairs.finditer(text, 1)):
            pair = text[end - 2:end]
            lengths = lengths_ending(pair)
            if lengths is None:
                continue
            if lengths[0] == BY_LAST_THREE:
                lengths = (lengths_ending(text[end - 3:end], ()) if end > 2 else ()) + lengths[1:]
            for length in lengths:
                if length == 2:  # the pair itself, a surface form (else 2 would not be listed)
                    found.append((end - 2, end, pair))
                elif length <= end and (surface := text[end - length:end]) in surfaces:
                    found.append((end - length, end, surface))
        return iter(found)


def _pair_finder(ends: EndIndex) -> re.Pattern[str]:
    """A pattern matching the last character of every pair of characters that ends a surface form
    (and of some pairs that end none): a character that ends a pair, right after a character
    allowed before some member of its group. The last characters are grouped by how many
    characters may precede them (at most 2, 8, 32, more): four checks of the character before
    instead of one per last character. Last characters like `党` or `建` are common in a text and
    may follow only one or two characters, so the pattern stops at about one in four of the
    characters a plain class of last characters would stop at; of those, about two in three end
    no pair (the price of grouping) and cost the caller one dict lookup each."""
    if not ends:
        return re.compile("(?!)")  # no surface form, no match
    before: dict[str, set[str]] = defaultdict(set)
    for pair in ends:
        if len(pair) == 2:  # not the last three characters of a busy pair's forms
            before[pair[1]].add(pair[0])
    groups: dict[int, list[str]] = defaultdict(list)
    for last, firsts in before.items():
        groups[next(n for n, most in enumerate(_PRECEDING_GROUPS) if len(firsts) <= most)].append(last)
    checks = [_char_class(set().union(*(before[last] for last in lasts))) + _char_class(lasts)
              for _, lasts in sorted(groups.items())]
    return re.compile(_char_class(before) + "(?<=" + "|".join(checks) + ")")


_match_end = re.Match.end

# The groups of `_pair_finder`: the most characters that may precede the last characters of each.
_PRECEDING_GROUPS = (2, 8, 32, sys.maxsize)


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(map(re.escape, sorted(chars))) + "]"


class _DivisionView(Mapping):
    """`Gazetteer.divisions`: a mapping that makes each division on first access."""

    __slots__ = ("_gazetteer",)

    def __init__(self, gazetteer: Gazetteer):
        self._gazetteer = gazetteer

    def __getitem__(self, key: str) -> Division:
        division = self._gazetteer._division(key)
        if division is None:
            raise KeyError(key)
        return division

    def __contains__(self, key: object) -> bool:
        return key in self._gazetteer._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._gazetteer._rows)

    def __len__(self) -> int:
        return len(self._gazetteer._rows)


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
    """The gazetteer of all of China (plus 济宁's villages and zones), built once (and cached across runs)."""
    return read_gazetteer(cache_dir())


def read_gazetteer(cache: Path | None) -> Gazetteer:
    """A new gazetteer: read from the cache file in the folder `cache` when it is fresh, else built
    from `kg/data` and written there for the next run (`cache` None: built, nothing kept)."""
    path = cache / CACHE_FILE if cache is not None else None
    key = _cache_key(CACHE_FILE, CACHE_SOURCES) if path is not None else None
    cached = _read_cache(path, key) if key is not None else None
    if isinstance(cached, tuple) and len(cached) == 2:
        packed, ends = cached
        if (isinstance(packed, tuple) and len(packed) == 6 and all(isinstance(p, str) for p in packed)
                and isinstance(ends, dict)):
            return Gazetteer(packed, ends)
    packed = _build_tables()
    ends = _end_index(packed[4].split(RECORD))
    if key is not None:
        _write_cache(path, key, (packed, ends))
    return Gazetteer(packed, ends)


@lru_cache(maxsize=1)
def division_rows() -> tuple[dict[str, str], ...]:
    """The rows of `divisions.csv` exactly as `load_csv("divisions.csv")` gives them (every level,
    placeholders included), read back from the cache across runs: about four times faster than
    parsing the CSV, which costs more than building a page."""
    return read_division_rows(cache_dir())


def read_division_rows(cache: Path | None) -> tuple[dict[str, str], ...]:
    """The rows of `divisions.csv`: from the cache file in the folder `cache` when it is fresh,
    else parsed and written there (`cache` None: parsed, nothing kept)."""
    path = cache / ROWS_CACHE_FILE if cache is not None else None
    key = _cache_key(ROWS_CACHE_FILE, ("divisions.csv",)) if path is not None else None
    rows = _read_cache(path, key) if key is not None else None
    if isinstance(rows, tuple) and all(type(row) is dict for row in rows):
        return rows
    rows = load_csv("divisions.csv")
    if key is not None:
        _write_cache(path, key, rows)
    return rows


def _end_index(surfaces: list[str]) -> EndIndex:
    """The lengths of the surface forms ending in each pair of characters, longest first (for a
    busy pair, in each three characters: see BY_LAST_THREE)."""
    lengths: dict[str, set[int]] = defaultdict(set)
    for surface in surfaces:
        if len(surface) < 2:  # the index would never find it
            raise ResourceError(f"the place name {surface!r} is shorter than two characters")
        lengths[surface[-2:]].add(len(surface))
    busy = {pair for pair, ls in lengths.items() if len(ls) > BUSY_PAIR}
    index = {pair: tuple(sorted(ls, reverse=True)) for pair, ls in lengths.items() if pair not in busy}
    for pair in busy:
        index[pair] = (BY_LAST_THREE, 2) if 2 in lengths[pair] else (BY_LAST_THREE,)
    by_three: dict[str, set[int]] = defaultdict(set)
    for surface in surfaces:
        if len(surface) > 2 and surface[-2:] in busy:
            by_three[surface[-3:]].add(len(surface))
    index.update((three, tuple(sorted(ls, reverse=True))) for three, ls in by_three.items())
    return index


def _build_tables() -> Packed:
    """The packed tables, built from the files in `kg/data`."""
    placeholders = frozenset(load_words("placeholder_divisions.txt"))
    source = division_rows()
    raw_parent = {row["code"]: row["parent_code"] or None for row in source}
    skipped = {row["code"] for row in source
               if row["name"] in placeholders
               or (row["level"] == "township" and not is_town_name(row["name"]))}

    def real_parent(code: str | None) -> str | None:
        while code is not None and code in skipped:
            code = raw_parent.get(code)
        return code

    rows: dict[str, tuple[str, str, str | None, str | None]] = {}  # key -> name, type, code, parent
    for n, row in enumerate(source, 2):
        level = LEVEL_TYPES.get(row["level"])
        if level is None:
            raise ResourceError(f"divisions.csv:{n}: unknown level {row['level']!r}")
        if row["code"] in skipped:
            continue
        rows[row["code"]] = (row["name"], level, row["code"], real_parent(raw_parent[row["code"]]))
    for n, row in enumerate(load_csv("villages_jining.csv"), 2):
        named = village_name(row["name"])
        if named is None:
            continue
        parent = real_parent(row["parent_code"])  # a few hang off a non-town unit: use its county
        if parent not in rows:
            raise ResourceError(f"villages_jining.csv:{n}: parent {row['parent_code']} is unknown")
        rows[row["code"]] = (named[0], named[1], row["code"], parent)

    extra: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in load_table("functional_zones.tsv"):
        key = row["code"] or None
        if key is not None:
            if key not in rows or rows[key][0] != row["name"]:
                raise ResourceError(f"functional_zones.tsv: {row['name']} does not match row {key} of divisions.csv")
        else:
            if row["parent_code"] not in rows:
                raise ResourceError(f"functional_zones.tsv: parent {row['parent_code']} of {row['name']} is unknown")
            key = f"zone:{row['name']}"
            rows[key] = (row["name"], "county", None, row["parent_code"])
        for column, form in (("aliases", ALIAS), ("context_aliases", CONTEXT_ALIAS)):
            for alias in filter(None, (a.strip() for a in row[column].split("|"))):
                extra[alias].append((key, form))

    children: dict[str, list[str]] = defaultdict(list)
    readings: dict[str, list[tuple[str, str]]] = defaultdict(list)
    zone_keys = {key for rs in extra.values() for key, _ in rs}
    for key, (name, type_, _, parent) in rows.items():
        if parent is not None:
            children[parent].append(key)
        readings[name].append((key, FULL))
        if type_ in ("province", "city", "county") and key not in zone_keys:
            for short in short_forms(name, type_):
                readings[short].append((key, SHORT))
    for surface, rs in extra.items():
        readings[surface].extend(rs)

    rank = {t: i for i, t in enumerate(("province", "city", "county", "town", "village", "community"))}
    for surface, rs in readings.items():
        rs.sort(key=lambda r: rank[rows[r[0]][1]])
    return (*_pack(rows, lambda row: row),
            *_pack(children, lambda keys: keys),
            *_pack(readings, lambda rs: [part for reading in rs for part in reading]))


def _pack(table: dict, fields_of) -> tuple[str, str]:
    """A table as two strings: its keys, and each key's fields (None as "")."""
    keys = list(table)
    records = [[field or "" for field in fields_of(value)] for value in table.values()]
    if any(RECORD in s or FIELD in s for s in chain(keys, *records)):
        raise ResourceError("a gazetteer name holds a control character (\\x1e or \\x1f)")
    return RECORD.join(keys), RECORD.join(FIELD.join(fields) for fields in records)


# ---------------------------------------------------------------- cache
CACHE_FILE = "gazetteer.bin"  # the gazetteer's tables and index of surface forms
ROWS_CACHE_FILE = "divisions.bin"  # the rows of divisions.csv
# A cache file starts with this line (bumped when the layout changes), the key and a CRC-32 of the rest.
CACHE_MAGIC = b"dangjian-kg cache 2\n"
# Every data file the gazetteer is built from; the code that reads them is in the key too.
CACHE_SOURCES = ("divisions.csv", "villages_jining.csv", "functional_zones.tsv", "placeholder_divisions.txt",
                 "town_suffixes.txt", "village_suffixes.tsv", "place_suffixes.tsv", "ethnic_groups.txt")


def cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/dangjian-kg`, else `~/.cache/dangjian-kg`; None with no usable home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: the XDG spec says to ignore it
        base = os.path.join(os.path.expanduser("~"), ".cache")
        if not os.path.isabs(base):
            return None
    return Path(base) / "dangjian-kg"


def _cache_key(file_name: str, sources: tuple[str, ...]) -> bytes | None:
    """A digest of every byte a cache file depends on; None if one cannot be read (the build will say why)."""
    digest = hashlib.blake2b(file_name.encode(), digest_size=16)
    digest.update(sys.version.encode())  # marshal's format follows the interpreter
    try:
        for path in (Path(__file__), Path(kg.resources.__file__), *(DATA_DIR / name for name in sources)):
            data = path.read_bytes()
            digest.update(f"{path.name}:{len(data)}:".encode())
            digest.update(data)
    except (OSError, TypeError):  # TypeError: a module without a file
        return None
    return digest.digest()


def _read_cache(path: Path, key: bytes) -> object | None:
    """The value kept in `path` under `key`, or None when the file is missing, stale or damaged."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = CACHE_MAGIC + key
    if not blob.startswith(head) or len(blob) < len(head) + 4:
        return None
    body = memoryview(blob)[len(head) + 4:]
    if zlib.crc32(body).to_bytes(4, "little") != blob[len(head):len(head) + 4]:
        return None
    try:
        return marshal.loads(body)
    except Exception:  # noqa: BLE001 - whatever is wrong with the file, the value is rebuilt
        return None


def _write_cache(path: Path, key: bytes, value: object) -> None:
    """Keep a value (of plain types) in `path`, written whole or not at all; an unwritable folder is skipped."""
    import tempfile

    body = marshal.dumps(value)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(CACHE_MAGIC + key + zlib.crc32(body).to_bytes(4, "little"))
            out.write(body)
        os.replace(temp, path)  # a reader sees the old file or the new one, never half of one
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
