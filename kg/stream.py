"""Streaming N-Triples: a page's triples are written as soon as it is built, entity triples at the end.

An archive's graph does not fit rdflib's memory, but almost all of it is page-level:
articles, mentions, quantities and their evidence name only their own page. What needs
every page is small and grows with the number of distinct entities, not of pages:

- resolution: a place named without a code is the coded one when only one coded place of
  that type bears the name anywhere in the archive (`kg.relate.KeyResolver`);
- the entity triples: labels, aliases, kinds and the relations between entities.

So each page yields its page-level lines, with every entity named as its finder named it
(`PageOutput`), and a `PageSummary`; an `EntityTable` merges the summaries. A page whose lines
name every place by its code is written out at once; a page that names a place without a code
is spilled, and at the end its lines are rewritten where that name resolved to a coded place.
Then the entity lines are added. Every line is a triple of `kg.rdf` written by `kg.rdf.nt_lines`
as rdflib's N-Triples serializer writes it, so the lines are those of `kg build --format nt`;
only their order differs (pages in order, spilled pages after the others, then the entities).
No rdflib term is built: the strings go straight to the lines.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

from kg.errors import PageError
from kg.export.files import atomic_writer
from kg.gazetteer import load_gazetteer
from kg.model import PLACE_TYPES, Entity, EntityKey, Page, PageResult, Relation

_Raw = tuple  # (type, name, code): an entity as a finder named it, before resolution


@dataclass(frozen=True)
class PageSummary:
    """What the entity-level triples need from one page, without offsets or evidence."""

    surfaces: frozenset  # (raw key, printed text)
    org_kinds: tuple  # (raw key, kind, how many mentions say so)
    links: frozenset  # (raw key, predicate, raw target key)
    coded: frozenset  # raw keys that carry a division code
    reporters: frozenset  # credited names
    subjects: frozenset  # raw keys of the stories' subjects
    uncoded: frozenset  # (type, name) of places the page's lines name without the code the gazetteer has


@dataclass(frozen=True)
class PageOutput:
    """One built page: its page-level N-Triples lines (entities unresolved, no repeats) and its summary.

    The lines are one UTF-8 byte string: a page has a few thousand, and one byte string crosses
    from a worker process and into a file at a fraction of the cost of as many small strings
    (and the worker, not the process that writes the file, does the encoding)."""

    source: str
    articles: int
    block: bytes
    summary: PageSummary


def _raw(type_: str, name: str, code: str | None) -> _Raw:
    return (type_, name, code)


def summarize(result: PageResult) -> PageSummary:
    surfaces, links, coded, subjects = set(), set(), set(), set()
    kinds: Counter = Counter()
    for m in result.mentions:
        key = _raw(m.type, m.name, m.code)
        surfaces.add((key, m.text))
        if m.code:
            coded.add(key)
        if m.kind and m.type == "organization":
            kinds[(key, m.kind)] += 1
        for link in m.links:
            target = _raw(link.target_type, link.target_name, link.target_code)
            links.add((key, link.predicate, target))
            if link.target_code:
                coded.add(target)
    reporters = {c.name for a in result.articles for c in a.credits}
    for _, keys in result.subjects:
        subjects.update(_raw(k.type, k.name, k.code) for k in keys)
    named = [*(_raw(m.type, m.name, m.code) for m in result.mentions), *subjects,
             *(_raw(q.of.type, q.of.name, q.of.code) for q in result.quantities if q.of)]
    gazetteer = load_gazetteer()
    # Only a name the gazetteer gives a code to may turn out to be a coded place (not 太白湖新区).
    uncoded = frozenset(key[:2] for key in named if key[2] is None and key[0] in PLACE_TYPES
                        and any(d.code for d in gazetteer.named(key[1], key[0])))
    return PageSummary(frozenset(surfaces), tuple(sorted((k, kind, n) for (k, kind), n in kinds.items())),
                       frozenset(links), frozenset(coded), frozenset(reporters), frozenset(subjects), uncoded)


class _AsNamed:
    """Stands in for `kg.relate.Linked` while a page is built alone: every entity as its finder named it."""

    class _Keys:
        def __getitem__(self, mention) -> EntityKey:
            return EntityKey(mention.type, mention.name, mention.code)

    entity_of = _Keys()

    @staticmethod
    def resolve(key: EntityKey) -> EntityKey:
        return key


def page_output(result: PageResult) -> PageOutput:
    from kg.rdf import nt_lines, page_triples

    # In the order the triples come (deterministic), without repeats: sorting would cost as much again.
    block = "".join(dict.fromkeys(nt_lines(page_triples(result, _AsNamed())))).encode("utf-8")
    return PageOutput(result.page.source, len(result.articles), block, summarize(result))


def build_page_output(page: Page | PageError) -> PageOutput | PageError:
    """Build one page into its output; a page that fails becomes a PageError (as in `kg.pipeline.build`)."""
    if isinstance(page, PageError):
        return page
    from kg.pipeline import build_page

    try:
        return page_output(build_page(page))
    except Exception as exc:  # noqa: BLE001 - one bad page must never stop the others
        return PageError(page.source, f"could not be built ({type(exc).__name__}: {exc})")


# ---------------------------------------------------------------- entity table
@dataclass
class EntityTable:
    """The merged summaries of every page built so far; memory grows with distinct entities only."""

    surfaces: dict = field(default_factory=lambda: defaultdict(set))
    kinds: dict = field(default_factory=lambda: defaultdict(Counter))
    links: set = field(default_factory=set)
    coded: dict = field(default_factory=lambda: defaultdict(set))
    reporters: set = field(default_factory=set)
    subjects: set = field(default_factory=set)
    uncoded: set = field(default_factory=set)

    def add(self, summary: PageSummary) -> None:
        for key, text in summary.surfaces:
            self.surfaces[key].add(text)
        for key, kind, n in summary.org_kinds:
            self.kinds[key][kind] += n
        self.links.update(summary.links)
        for key in summary.coded:
            self.coded[key[:2]].add(key)
        self.reporters.update(summary.reporters)
        self.subjects.update(summary.subjects)
        self.uncoded.update(summary.uncoded)

    def resolve(self, key: _Raw) -> EntityKey:
        """As `kg.relate.KeyResolver.resolve`: a code-less name of exactly one coded place is that place."""
        if key[2] is None:
            candidates = self.coded.get(key[:2], ())
            if len(candidates) == 1:
                return EntityKey(*next(iter(candidates)))
        return EntityKey(*key)

    def entities(self) -> tuple[Entity, ...]:
        """As `kg.relate.collect_entities`, from the merged summaries."""
        from kg.relate import sort_key

        surfaces: dict[EntityKey, set[str]] = defaultdict(set)
        kinds: dict[EntityKey, Counter] = defaultdict(Counter)
        for key, texts in self.surfaces.items():
            surfaces[self.resolve(key)].update(texts)
        for key, counts in self.kinds.items():
            kinds[self.resolve(key)].update(counts)
        for _, _, target in self.links:
            surfaces.setdefault(self.resolve(target), set())
        for name in self.reporters:
            surfaces[EntityKey("reporter", name)].add(name)
        for key in self.subjects:
            surfaces.setdefault(self.resolve(key), set())
        out = []
        for key in sorted(surfaces, key=sort_key):
            kind = min(kinds[key].items(), key=lambda kv: (-kv[1], kv[0]))[0] if kinds.get(key) else None
            out.append(Entity(key.type, key.name, key.code, tuple(sorted(surfaces[key] - {key.name})), kind))
        return tuple(out)

    def relations(self) -> tuple[Relation, ...]:
        from kg.relate import sort_key

        relations = {Relation(self.resolve(s), p, self.resolve(o)) for s, p, o in self.links}
        return tuple(sorted(relations, key=lambda r: (sort_key(r.subject), r.predicate, sort_key(r.object))))

    def rewrites(self) -> "PlaceRewrites":
        """N-Triples term of each code-less name that resolved to a coded place -> the place's term."""
        from kg.rdf import entity_ref, nt_term

        terms = {}
        for (type_, name), keys in self.coded.items():
            if len(keys) == 1 and (type_, name) in self.uncoded:  # a page named it without the code
                terms[nt_term(entity_ref(EntityKey(type_, name)))] = nt_term(entity_ref(EntityKey(*next(iter(keys)))))
        return PlaceRewrites({term.encode("utf-8"): coded.encode("utf-8") for term, coded in terms.items()})

    def entity_lines(self) -> list[str]:
        from kg.rdf import entity_triples, nt_lines

        entities = _Entities(self.entities(), self.relations())
        return sorted(set(nt_lines(entity_triples(entities))))


@dataclass(frozen=True)
class _Entities:
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]


class PlaceRewrites:
    """Rewrites the code-less place terms of page lines into the coded places they resolved to.

    Entities stand only as objects in page-level triples (`<s> <p> <o> .`), so one regular
    expression over a whole page block finds them; most blocks have none and are left as they are."""

    def __init__(self, terms: dict[bytes, bytes]):
        self.terms = terms  # N-Triples term of a code-less name -> the coded place's, in UTF-8
        alternation = b"|".join(map(re.escape, sorted(terms, key=lambda t: (-len(t), t))))
        self._object = re.compile(b" (" + alternation + b") \\.\n") if terms else None

    def __len__(self) -> int:
        return len(self.terms)

    def _replace(self, match: re.Match) -> bytes:
        return b" " + self.terms[match.group(1)] + b" .\n"

    def apply(self, block: bytes) -> bytes:
        """A page's lines with its code-less place terms rewritten (a line that becomes a repeat is dropped)."""
        if self._object is None:
            return block
        rewritten, count = self._object.subn(self._replace, block)
        if not count:
            return block
        lines = rewritten[:-1].split(b"\n")  # (the block ends with a line end)
        return b"\n".join(dict.fromkeys(lines)) + b"\n"


# ---------------------------------------------------------------- spill files
# A spill file holds page blocks one after the other, each followed by an empty line. No N-Triples
# line is empty and no block is (a page without lines is not written), so an empty line (two line
# ends in a row) is always the end of a block.
_BLOCK_END = b"\n\n"


def write_block(handle: IO[bytes], output: PageOutput) -> None:
    if output.block:
        handle.write(output.block)
        handle.write(b"\n")


def read_blocks(path: Path, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    """The blocks of a spill file, each the bytes of its lines, read whole lines a chunk at a time."""
    pending: list[bytes] = []  # the lines read so far of a block that goes on in the next chunk
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            chunk += handle.readline()  # up to a line end: the chunk starts and ends between lines
            if chunk.startswith(b"\n"):  # the empty line that ends the pending block
                yield b"".join(pending)
                pending, chunk = [], chunk[1:]
            *complete, rest = chunk.split(_BLOCK_END)
            for piece in complete:
                pending.append(piece + b"\n")
                yield b"".join(pending)
                pending = []
            if rest:
                pending.append(rest)
    if pending:
        raise ValueError(f"{path}: the spill file ends inside a page block")


@dataclass
class StreamStats:
    pages: int = 0
    articles: int = 0
    triples: int = 0
    entities: int = 0
    relations: int = 0
    skipped: list = field(default_factory=list)
    entity_types: Counter = field(default_factory=Counter)


def _write_rest(handle: IO[bytes], spills: Iterable[Path], table: EntityTable, stats: StreamStats) -> None:
    """Every spilled page block resolved, then the entity lines."""
    rewrites = table.rewrites()
    for spill in spills:
        for block in read_blocks(spill):
            block = rewrites.apply(block)
            handle.write(block)
            stats.triples += block.count(b"\n")
    entity_lines = table.entity_lines()
    handle.write("".join(entity_lines).encode("utf-8"))
    stats.triples += len(entity_lines)
    entities = table.entities()
    stats.entities = len(entities)
    stats.entity_types = Counter(e.type for e in entities)
    stats.relations = len(table.relations())


def merge_spills(spills: Iterable[Path], table: EntityTable, target: Path, stats: StreamStats) -> None:
    """Write `target`: every spilled page block resolved, then the entity lines; atomically."""
    with atomic_writer(target, "wb") as handle:
        _write_rest(handle, spills, table, stats)


def stream_ntriples(outputs: Iterable[PageOutput | PageError], target: Path) -> StreamStats:
    """Write the N-Triples graph of built pages to `target` holding one page at a time in memory.

    A page whose lines name every place by its code goes straight into the output; one that
    names a place without its code waits in a spill file until every page has been seen, as
    its name may yet turn out to be a coded place's."""
    stats = StreamStats()
    table = EntityTable()
    spill = target.with_name(f".{target.name}.pages")
    try:
        with atomic_writer(target, "wb") as output_file:
            with open(spill, "wb") as spill_file:
                for output in outputs:
                    if isinstance(output, PageError):
                        stats.skipped.append(output)
                        continue
                    if output.summary.uncoded:
                        write_block(spill_file, output)
                    else:
                        output_file.write(output.block)
                        stats.triples += output.block.count(b"\n")
                    table.add(output.summary)
                    stats.pages += 1
                    stats.articles += output.articles
            _write_rest(output_file, [spill], table, stats)
    finally:
        spill.unlink(missing_ok=True)
    stats.skipped.sort(key=lambda e: e.source)
    return stats


def print_stats(stats: StreamStats, out: Path) -> None:
    print(f"{stats.pages} pages built, {len(stats.skipped)} skipped")
    print(f"{stats.articles} articles, {stats.entities} entities, {stats.relations} relations, "
          f"{stats.triples} triples")
    print("entities: " + ", ".join(f"{t} {n}" for t, n in sorted(stats.entity_types.items())))
    print(f"written to {out}")
