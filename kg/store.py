"""Queries through real triplestores: an embedded Oxigraph store, or any SPARQL 1.1 endpoint over HTTP.

Every way of asking gives the same `kg.query.Answer`, with cells printed by the same functions as rdflib's
(`iri_text`, `literal_text`), so one query gives one table whichever store answers it.

The Oxigraph store lives on disk next to the graph (`out/graph.ttl.oxigraph/`) and is loaded once: a marker
file records which graph file, with which content, it was loaded from, and the store is reloaded when they
no longer match.
"""
from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kg.errors import KgError
from kg.query import PREFIXES, Answer, QueryError, iri_text, literal_text, prologue, run_query, load_graph

STORES = ("rdflib", "oxigraph")
MARKER = "loaded-from.json"
# Virtuoso 7.2 answers ASK in JSON as a one-column table: a row holding 1 for true, no row for false.
VIRTUOSO_ASK = "__ASK_RETVAL"


def default_store_dir(graph_file: Path) -> Path:
    return graph_file.with_name(graph_file.name + ".oxigraph")


def _fingerprint(graph_file: Path) -> dict:
    digest = hashlib.sha256()
    with graph_file.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return {"graph": str(graph_file.resolve()), "size": graph_file.stat().st_size, "sha256": digest.hexdigest()}


def _read_marker(store_dir: Path) -> dict | None:
    try:
        return json.loads((store_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def open_oxigraph(graph_file: Path, store_dir: Path | None = None) -> pyoxigraph.Store:
    """An on-disk Oxigraph store holding `graph_file` in its default graph.

    The store in `store_dir` (default `<graph>.oxigraph/` beside the graph) is reused when its marker says it
    was loaded from this very file with this very content; otherwise it is emptied and loaded again. The
    marker is written only after a load completes, so an interrupted load is redone on the next call.
    """
    graph_file = Path(graph_file)
    if not graph_file.is_file():
        raise KgError(f"{graph_file}: no such graph file (build one with 'kg build')")
    store_dir = Path(store_dir) if store_dir is not None else default_store_dir(graph_file)
    fingerprint = _fingerprint(graph_file)
    try:
        store = pyoxigraph.Store(str(store_dir))
    except OSError as exc:
        raise KgError(f"{store_dir}: cannot open Oxigraph store ({exc})") from None
    if _read_marker(store_dir) == fingerprint:
        return store
    (store_dir / MARKER).unlink(missing_ok=True)
    store.clear()
    try:
        store.bulk_load(path=str(graph_file), format=pyoxigraph.RdfFormat.TURTLE)
    except SyntaxError as exc:
        raise KgError(f"{graph_file}: cannot read graph ({exc})") from None
    store.flush()
    (store_dir / MARKER).write_text(json.dumps(fingerprint, indent=2) + "\n", encoding="utf-8")
    return store


def _oxigraph_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.NamedNode):
        return iri_text(term.value)
    if isinstance(term, pyoxigraph.Literal):
        return literal_text(term.value, None if term.language else term.datatype.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return term.value
    return str(term)


def _rdflib_graph(triples) -> Graph:
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def _syntax_error(query: str, exc: SyntaxError) -> QueryError:
    message = str(exc).splitlines()[0]
    where = re.match(r"error at (\d+):(\d+)", message)
    lines = query.splitlines()
    if where and 0 < int(where[1]) <= len(lines):
        shown = lines[int(where[1]) - 1].strip()
        return QueryError(f"SPARQL syntax error at line {where[1]}, column {where[2]}: {shown}")
    return QueryError(f"SPARQL syntax error: {message}")


def run_query_oxigraph(store: pyoxigraph.Store, query: str) -> Answer:
    """Run SPARQL over an Oxigraph store with the project's prefixes predefined, answering as `run_query` does."""
    try:
        result = store.query(query, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise _syntax_error(query, exc) from None
    except OSError as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    if isinstance(result, pyoxigraph.QueryTriples):
        return Answer("graph", graph=_rdflib_graph(result))
    variables = tuple(v.value for v in result.variables)
    rows = tuple(tuple(_oxigraph_text(solution[v]) for v in variables) for solution in result)
    return Answer("select", variables, rows)


def _json_cell(binding: dict | None) -> str:
    if binding is None:
        return ""
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return iri_text(value)
    if kind in ("literal", "typed-literal"):
        return literal_text(value, None if "xml:lang" in binding else binding.get("datatype"))
    return value


def run_query_endpoint(endpoint: str, query: str, default_graph: str | None = None, timeout: float = 60) -> Answer:
    """Run SPARQL over a SPARQL 1.1 Protocol endpoint (Virtuoso, Fuseki, `oxigraph serve`) with the project's
    prefixes prepended, answering as `run_query` does. SELECT and ASK only: a graph answer would need an RDF
    parser per server, and no competency query asks for one.
    """
    fields = {"query": prologue() + query, "format": "application/sparql-results+json"}
    if default_graph:
        fields["default-graph-uri"] = default_graph
    request = urllib.request.Request(
        endpoint, data=urllib.parse.urlencode(fields).encode("utf-8"),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise QueryError(f"SPARQL endpoint {endpoint} refused the query: HTTP {exc.code}: "
                         f"{' '.join(detail[:3])}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise QueryError(f"SPARQL endpoint {endpoint} did not answer: {exc}") from None
    if "boolean" in body:
        return Answer("ask", boolean=bool(body["boolean"]))
    variables = tuple(body["head"]["vars"])
    bindings = body["results"]["bindings"]
    if variables == (VIRTUOSO_ASK,):
        return Answer("ask", boolean=any(_json_cell(b.get(VIRTUOSO_ASK)) not in ("", "0") for b in bindings))
    rows = tuple(tuple(_json_cell(binding.get(v)) for v in variables) for binding in bindings)
    return Answer("select", variables, rows)


def answer_query(graph_file: Path, query: str, store: str = "rdflib") -> Answer:
    """Answer a query over a graph file through the chosen store: "rdflib" (in memory) or "oxigraph" (on disk
    beside the graph, loaded once)."""
    if store == "oxigraph":
        if not Path(graph_file).is_file():
            raise KgError(f"{graph_file}: no such graph file (build one with 'kg build')")
        return run_query_oxigraph(open_oxigraph(Path(graph_file)), query)
    if store == "rdflib":
        return run_query(load_graph(graph_file), query)
    raise KgError(f"unknown store {store!r}; choose from {', '.join(STORES)}")
