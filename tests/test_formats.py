import csv
import io

import networkx as nx
from rdflib import Dataset, Graph

from kg.export.formats import FORMATS, Export, sorted_ntriples, write_formats
from kg.rdf import to_dataset, to_graph
from kg.relate import relate


def test_formats_each_round_trips_through_its_reader(tmp_path, tiny_result):
    linked = relate([tiny_result])
    graph = to_graph(linked)
    write_formats(Export(linked), tmp_path, FORMATS)
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
        write_formats(Export(linked), tmp_path / name, FORMATS)
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_formats_trig_keeps_one_named_graph_per_page(tmp_path, tiny_result):
    linked = relate([tiny_result])
    text = to_dataset(linked).serialize(format="trig")
    assert "graph/tiny" in text and "graph/entities" in text


def test_formats_trig_is_byte_stable_across_processes(tmp_path, tiny_result):
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, 'tests'); from pathlib import Path; "
        "from conftest import TINY_TEXT; from kg.export.formats import sorted_trig; from kg.rdf import to_dataset; "
        "from kg.relate import relate; from kg.read import decode_page; from kg.pipeline import build_page; "
        "print(sorted_trig(to_dataset(relate([build_page(decode_page('t.txt', TINY_TEXT.encode()))]))))"
    )
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1 and "graph/entities" in outputs.pop()


def test_formats_an_earlier_builds_formats_are_removed(tmp_path, tiny_result):
    linked = relate([tiny_result])
    write_formats(Export(linked), tmp_path, FORMATS)
    write_formats(Export(linked), tmp_path, ("ttl", "nt"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt", "graph.ttl"]


def test_formats_ntriples_and_triple_count_come_from_the_triples_as_from_rdflib(tiny_result):
    linked = relate([tiny_result])
    export = Export(linked)
    graph = to_graph(linked)
    assert export.ntriples == sorted_ntriples(graph)
    assert len(export) == len(graph)
    assert "graph" not in vars(export)  # the rdflib graph was never made
