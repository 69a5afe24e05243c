import csv
import io

import networkx as nx
from rdflib import Dataset, Graph

from kg.export.formats import FORMATS, write_formats
from kg.rdf import to_dataset, to_graph
from kg.relate import relate


def test_formats_each_round_trips_through_its_reader(tmp_path, tiny_result):
    linked = relate([tiny_result])
    graph = to_graph(linked)
    write_formats(graph, to_dataset(linked), tmp_path, FORMATS)
    triples = len(graph)
    assert len(Graph().parse(tmp_path / "graph.ttl", format="turtle")) == triples
    assert len(Graph().parse(tmp_path / "graph.nt", format="nt")) == triples
    assert len(Graph().parse(tmp_path / "graph.jsonld", format="json-ld")) == triples
    dataset = Dataset()
    dataset.parse(tmp_path / "graph.trig", format="trig")
    graphs = {str(ctx) for _, _, _, ctx in dataset.quads()}
    assert graphs == {"https://w3id.org/dangjian-kg/id/graph/entities", "https://w3id.org/dangjian-kg/id/graph/tiny"}
    assert len({(s, p, o) for s, p, o, _ in dataset.quads()}) == triples
    graphml = nx.read_graphml(tmp_path / "graph.graphml")
    edges = list(csv.DictReader(io.StringIO((tmp_path / "edges.csv").read_text(encoding="utf-8"))))
    nodes = list(csv.DictReader(io.StringIO((tmp_path / "entities.csv").read_text(encoding="utf-8"))))
    assert graphml.number_of_edges() == len(edges) > 0
    assert graphml.number_of_nodes() == len(nodes) > 0


def test_formats_are_deterministic(tmp_path, tiny_result):
    for name in ("a", "b"):
        linked = relate([tiny_result])
        write_formats(to_graph(linked), to_dataset(linked), tmp_path / name, FORMATS)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_formats_trig_keeps_one_named_graph_per_page(tmp_path, tiny_result):
    linked = relate([tiny_result])
    text = to_dataset(linked).serialize(format="trig")
    assert "graph/tiny" in text and "graph/entities" in text
