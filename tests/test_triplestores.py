"""The graph in real triplestores: every competency query answers the same through rdflib, an embedded
Oxigraph store and a Virtuoso server (started here on loopback with a throwaway database, then stopped)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import KgError
from kg.query import QueryError, literal_text, run_query
from kg.store import MARKER, answer_query, open_oxigraph, run_query_endpoint, run_query_oxigraph

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "ontology" / "queries").glob("*.rq"))
VIRTUOSO_SCRIPT = ROOT / "scripts" / "virtuoso.sh"
GRAPH_IRI = "https://w3id.org/dangjian-kg/graph"
XSD = "http://www.w3.org/2001/XMLSchema#"

SMALL_GRAPH = """\
@prefix dj: <https://w3id.org/dangjian-kg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/dangjian-kg/id/quantity/a> a dj:Quantity ;
    schema:value 6.0 ; schema:unitText "个"@zh ; dj:approximate false ; dj:counts "村" .
<https://w3id.org/dangjian-kg/id/quantity/b> a dj:Quantity ;
    schema:value 22.50 ; schema:unitText "万元"@zh ; dj:approximate true ; dj:startOffset 7 .
"""
SMALL_QUERY = """\
SELECT ?q ?value ?unit ?approximate ?counts ?start WHERE {
  ?q a dj:Quantity ; schema:value ?value ; schema:unitText ?unit ; dj:approximate ?approximate .
  OPTIONAL { ?q dj:counts ?counts } OPTIONAL { ?q dj:startOffset ?start }
}
ORDER BY ?value
"""
SMALL_ROWS = (("id:quantity/a", "6.0", "个", "false", "村", ""),
              ("id:quantity/b", "22.5", "万元", "true", "", "7"))


def _order_columns(query: str, variables: tuple[str, ...]) -> list[int]:
    """Columns of the ORDER BY keys, up to the first key not projected (later keys then order nothing visible)."""
    match = re.search(r"ORDER\s+BY\s+(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", query, re.S | re.I)
    columns = []
    for name in re.findall(r"\?(\w+)", match[1]) if match else []:
        if name not in variables:
            break
        columns.append(variables.index(name))
    return columns


def _assert_same_answer(expected, actual, query: str) -> None:
    assert actual.kind == expected.kind == "select"
    assert actual.variables == expected.variables
    assert Counter(actual.rows) == Counter(expected.rows)
    # rows tied on every ORDER BY key may come in any order; the keys' sequence may not
    columns = _order_columns(query, expected.variables)
    assert [tuple(r[c] for c in columns) for r in actual.rows] == [tuple(r[c] for c in columns) for r in expected.rows]


@pytest.fixture(scope="module")
def seed_graph_file(tmp_path_factory) -> Path:
    # a private copy, so that a rebuild of out/ during the run cannot give the stores different graphs
    copy = tmp_path_factory.mktemp("seed") / "graph.ttl"
    shutil.copyfile(ROOT / "out" / "graph.ttl", copy)
    return copy


@pytest.fixture(scope="module")
def rdflib_graph(seed_graph_file) -> Graph:
    graph = Graph()
    graph.parse(seed_graph_file, format="turtle")
    return graph


@pytest.fixture(scope="module")
def oxigraph_store(seed_graph_file, tmp_path_factory):
    return open_oxigraph(seed_graph_file, tmp_path_factory.mktemp("oxigraph") / "store")


def test_triplestores_literal_text_prints_one_form_for_numbers_and_booleans():
    assert literal_text("6", XSD + "decimal") == literal_text("6.0", XSD + "decimal") == "6.0"
    assert literal_text("22.50", XSD + "decimal") == "22.5"
    assert literal_text("0", XSD + "boolean") == "false"
    assert literal_text("1", XSD + "boolean") == "true"
    assert literal_text("007", XSD + "integer") == "7"
    assert literal_text("6.0") == "6.0"  # a plain string stays as written
    assert literal_text("六", XSD + "decimal") == "六"


@pytest.mark.parametrize("query_file", QUERIES, ids=[q.stem for q in QUERIES])
def test_triplestores_oxigraph_answers_competency_query_as_rdflib(query_file, rdflib_graph, oxigraph_store):
    query = query_file.read_text(encoding="utf-8")
    expected = run_query(rdflib_graph, query)
    assert expected.rows, f"{query_file.name} finds nothing in the seed graph: the comparison would prove nothing"
    _assert_same_answer(expected, run_query_oxigraph(oxigraph_store, query), query)


def test_triplestores_oxigraph_reuses_store_until_graph_changes(tmp_path):
    graph_file = tmp_path / "graph.ttl"
    graph_file.write_text(SMALL_GRAPH, encoding="utf-8")
    store_dir = tmp_path / "graph.ttl.oxigraph"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    store = open_oxigraph(graph_file)  # default location beside the graph
    assert (store_dir / MARKER).is_file()
    assert run_query_oxigraph(store, count).rows == (("10",),)
    store.update("INSERT DATA { <urn:sentinel> <urn:p> 1 }")  # visible only if the store is reused as is
    del store

    store = open_oxigraph(graph_file)
    assert run_query_oxigraph(store, count).rows == (("11",),)
    del store

    graph_file.write_text(SMALL_GRAPH + '<urn:x> <urn:p> "y" .\n', encoding="utf-8")
    store = open_oxigraph(graph_file)
    assert run_query_oxigraph(store, count).rows == (("11",),)
    assert run_query_oxigraph(store, "ASK { <urn:sentinel> ?p ?o }").boolean is False
    del store


def test_triplestores_answer_query_gives_same_answer_through_either_store(tmp_path):
    graph_file = tmp_path / "graph.ttl"
    graph_file.write_text(SMALL_GRAPH, encoding="utf-8")
    for store in ("rdflib", "oxigraph"):
        answer = answer_query(graph_file, SMALL_QUERY, store=store)
        assert answer.variables == ("q", "value", "unit", "approximate", "counts", "start")
        assert answer.rows == SMALL_ROWS, store
        assert answer_query(graph_file, "ASK { ?q dj:approximate true }", store=store).boolean is True
        built = answer_query(graph_file, "CONSTRUCT { ?q rdfs:label ?u } WHERE { ?q schema:unitText ?u }", store=store)
        assert built.kind == "graph" and len(built.graph) == 2


def test_triplestores_answer_query_reports_bad_query_and_unknown_store(tmp_path):
    graph_file = tmp_path / "graph.ttl"
    graph_file.write_text(SMALL_GRAPH, encoding="utf-8")
    with pytest.raises(QueryError, match="line 2"):
        answer_query(graph_file, "SELECT ?s\nWHERE { ?s ?p }", store="oxigraph")
    with pytest.raises(KgError, match="unknown store"):
        answer_query(graph_file, "ASK {}", store="blazegraph")
    with pytest.raises(KgError, match="no such graph file"):
        answer_query(tmp_path / "missing.ttl", "ASK {}", store="oxigraph")


# --- Virtuoso ---------------------------------------------------------------------------------------

needs_virtuoso = pytest.mark.skipif(
    not (shutil.which("virtuoso-t") and shutil.which("isql-vt")),
    reason="Virtuoso is not installed here (apt-get install virtuoso-opensource-7-bin); CI installs it")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def _virtuoso(directory: Path, graph_file: Path):
    """A Virtuoso server on free loopback ports holding `graph_file`; always stopped on leaving."""
    sql_port, http_port = _free_ports(2)
    pid_file = directory / "virtuoso.pid"
    pids: list[int] = []
    try:
        started = subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "start", str(directory), str(graph_file),
                                  str(sql_port), str(http_port)], capture_output=True, text=True, timeout=120)
        if pid_file.is_file() and pid_file.read_text().strip():
            pids.append(int(pid_file.read_text()))
        assert started.returncode == 0, f"Virtuoso did not start:\n{started.stdout}\n{started.stderr}"
        yield {"endpoint": f"http://127.0.0.1:{http_port}/sparql", "pid": pids[0], "ports": (sql_port, http_port)}
    finally:
        subprocess.run(["bash", str(VIRTUOSO_SCRIPT), "stop", str(directory)], capture_output=True, timeout=90)
        for pid in pids:  # the script kills a server that will not shut down; this is the last resort
            if _running(pid):
                os.killpg(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def virtuoso_endpoint(seed_graph_file, tmp_path_factory):
    with _virtuoso(tmp_path_factory.mktemp("virtuoso"), seed_graph_file) as server:
        yield server["endpoint"]


@needs_virtuoso
def test_triplestores_virtuoso_loads_every_triple(virtuoso_endpoint, rdflib_graph):
    answer = run_query_endpoint(virtuoso_endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", GRAPH_IRI)
    assert answer.rows == ((str(len(rdflib_graph)),),)


@needs_virtuoso
@pytest.mark.parametrize("query_file", QUERIES, ids=[q.stem for q in QUERIES])
def test_triplestores_virtuoso_answers_competency_query_as_rdflib(query_file, rdflib_graph, virtuoso_endpoint):
    query = query_file.read_text(encoding="utf-8")
    expected = run_query(rdflib_graph, query)
    assert expected.rows, f"{query_file.name} finds nothing in the seed graph: the comparison would prove nothing"
    _assert_same_answer(expected, run_query_endpoint(virtuoso_endpoint, query, GRAPH_IRI), query)


@needs_virtuoso
def test_triplestores_virtuoso_prints_literals_as_rdflib_and_stops_cleanly(tmp_path):
    graph_file = tmp_path / "small.ttl"
    graph_file.write_text(SMALL_GRAPH, encoding="utf-8")
    with _virtuoso(tmp_path / "db", graph_file) as server:
        answer = run_query_endpoint(server["endpoint"], SMALL_QUERY, GRAPH_IRI)
        assert answer.rows == SMALL_ROWS  # Virtuoso itself writes 6.0 as "6" and false as "0"
        assert run_query_endpoint(server["endpoint"], "ASK { ?q dj:approximate true }", GRAPH_IRI).boolean is True
        assert run_query_endpoint(server["endpoint"], "ASK { ?q dj:counts \"镇\" }", GRAPH_IRI).boolean is False
        pid, ports = server["pid"], server["ports"]
        assert _running(pid)
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _running(pid)
    assert not any(_listening(port) for port in ports)
