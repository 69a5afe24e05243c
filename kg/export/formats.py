"""Export formats besides Turtle: N-Triples, JSON-LD, TriG, GraphML, CSV. All deterministic."""
from __future__ import annotations

import csv
import io
import json
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.export.files import write_text_atomic
from kg.vocab import DJ, DJ_IRI, ID, SCHEMA

FORMATS = ("ttl", "nt", "jsonld", "trig", "graphml", "csv")
# Every file a format writes: one not written by this build is an earlier build's and is removed.
OUTPUT_FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "context.jsonld", "graph.trig", "graph.graphml",
                "entities.csv", "edges.csv")

# Published with the JSON-LD so a reader sees short keys and typed values.
JSONLD_CONTEXT = {
    "dj": DJ_IRI,
    "id": str(ID),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "startOffset": {"@id": "dj:startOffset", "@type": "xsd:integer"},
    "endOffset": {"@id": "dj:endOffset", "@type": "xsd:integer"},
}

_NODE_SKIP = {DJ.Mention, DJ.Quantity}


def sorted_ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, sorted so the file is byte-stable."""
    # Split on "\n" only: literals may hold U+2028, U+0085… that str.splitlines() would cut.
    lines = graph.serialize(format="nt").split("\n")
    return "".join(line + "\n" for line in sorted(set(line for line in lines if line.strip())))


def sorted_trig(dataset) -> str:
    """TriG with its named graphs in IRI order and each graph's triples as sorted N-Triples lines.

    rdflib's TriG writer orders the named graphs as its store happens to hold them, so two runs
    differ; N-Triples statements are valid TriG, and sorting them makes the file byte-stable.
    """
    blocks = []
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph) or graph.identifier == dataset.default_graph.identifier:
            continue
        body = sorted_ntriples(graph)
        blocks.append(f"<{graph.identifier}> {{\n{body}}}\n")
    return "\n".join(blocks)


def _label(graph: Graph, node) -> str:
    value = graph.value(node, RDFS.label) or graph.value(node, DJ.headline)
    return str(value) if value is not None else ""


def _local(term) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def to_networkx(graph: Graph):
    """Entities and articles as nodes (type, label), their links as edges (predicate); evidence left out."""
    import networkx as nx

    nx_graph = nx.MultiDiGraph()
    nodes = {}
    for node, cls in sorted(graph.subject_objects(RDF.type)):
        if cls in _NODE_SKIP or not isinstance(node, URIRef):
            continue
        nodes[node] = _local(cls)
    for node in sorted(nodes):
        code = graph.value(node, DJ.divisionCode)
        nx_graph.add_node(str(node), type=nodes[node], label=_label(graph, node), code=str(code or ""))
    for s, p, o in sorted(graph):
        if s in nodes and o in nodes and p != RDF.type:
            nx_graph.add_edge(str(s), str(o), key=_local(p), predicate=_local(p))
    return nx_graph


def _graphml(graph: Graph) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(graph))) + "\n"


def _csv_tables(graph: Graph) -> tuple[str, str]:
    nx_graph = to_networkx(graph)
    nodes = io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow(["iri", "type", "label", "aliases", "division_code"])
    for node, data in nx_graph.nodes(data=True):
        aliases = sorted(str(a) for a in graph.objects(URIRef(node), SKOS.altLabel))
        writer.writerow([node, data["type"], data["label"], "|".join(aliases), data["code"]])
    edges = io.StringIO()
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow(["source", "predicate", "target"])
    for s, o, data in nx_graph.edges(data=True):
        writer.writerow([s, data["predicate"], o])
    return nodes.getvalue(), edges.getvalue()


def _jsonld(graph: Graph) -> str:
    data = json.loads(graph.serialize(format="json-ld", context=JSONLD_CONTEXT, sort_keys=True))
    items = data.get("@graph", [])
    items.sort(key=lambda item: item.get("@id", ""))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class Export:
    """One build's graph in each form a writer needs, each made on first use.

    Turtle and N-Triples are written from the plain triples of `kg.rdf`; the rdflib graph (slow
    to build, and not needed by them) is made only for the formats and views that read it."""

    def __init__(self, linked):
        self.linked = linked

    @cached_property
    def triples(self) -> tuple:
        from kg.rdf import entity_triples, page_triples

        linked = self.linked
        return (*entity_triples(linked), *(t for r in linked.results for t in page_triples(r, linked)))

    @cached_property
    def ntriples(self) -> str:
        """As `sorted_ntriples(self.graph)`, from the triples' lines."""
        from kg.rdf import nt_lines

        return "".join(sorted(set(nt_lines(self.triples))))

    @cached_property
    def turtle(self) -> str:
        from kg.export.turtle import turtle_text

        return turtle_text(self.triples)

    @cached_property
    def graph(self) -> Graph:
        from kg.rdf import to_graph

        return to_graph(self.linked)

    @cached_property
    def dataset(self):
        from kg.rdf import to_dataset

        return to_dataset(self.linked)

    def __len__(self) -> int:
        """The number of distinct triples."""
        return self.ntriples.count("\n")


def write_formats(export: Export, out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write each requested format into `out`; Turtle is always written. Returns the files written."""
    written = []

    def put(name: str, text: str) -> None:
        write_text_atomic(out / name, text)
        written.append(out / name)

    put("graph.ttl", export.turtle)
    if "nt" in formats:
        put("graph.nt", export.ntriples)
    if "jsonld" in formats:
        put("graph.jsonld", _jsonld(export.graph))
        put("context.jsonld", json.dumps({"@context": JSONLD_CONTEXT}, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    if "trig" in formats:
        put("graph.trig", sorted_trig(export.dataset))
    if "graphml" in formats:
        put("graph.graphml", _graphml(export.graph))
    if "csv" in formats:
        nodes, edges = _csv_tables(export.graph)
        put("entities.csv", nodes)
        put("edges.csv", edges)
    remove_stale_formats(out, {path.name for path in written})
    return written


def remove_stale_formats(out: Path, written: set[str]) -> None:
    """Remove the graph files of an earlier build that this build did not write (stale now)."""
    for name in sorted(set(OUTPUT_FILES) - written):
        (out / name).unlink(missing_ok=True)


__all__ = ["FORMATS", "JSONLD_CONTEXT", "Export", "sorted_ntriples", "to_networkx", "write_formats"]
