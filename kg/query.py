"""SPARQL over a built graph with the project's prefixes predefined, and printing of answers.

Tables are aligned by display width: a Chinese character takes two columns.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import KgError
from kg.vocab import DJ_IRI, ID, SCHEMA

PREFIXES = {
    "dj": DJ_IRI,
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "prov": str(PROV),
    "schema": str(SCHEMA),
}


class QueryError(KgError):
    """A SPARQL query that cannot be parsed or run; says where."""


@dataclass(frozen=True)
class Answer:
    """A query's answer: `kind` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None


def load_graph(path: Path) -> Graph:
    """A Turtle graph file, or a one-line error saying why it cannot be read."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise KgError(f"{path}: no such graph file (build one with 'kg build')") from None
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise KgError(f"{path}: cannot read graph ({type(exc).__name__}: {exc})") from None
    return graph


def read_query(query_or_file: str) -> str:
    """The query text: a path to an existing `.rq` file is read, anything else is the query itself."""
    path = Path(query_or_file)
    if len(query_or_file) < 1024 and path.suffix in (".rq", ".sparql") and path.is_file():
        return path.read_text(encoding="utf-8")
    return query_or_file


def prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def iri_text(iri: str) -> str:
    """An IRI in prefixed form where one of the project's prefixes covers it."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


_INTEGER_TYPES = frozenset(str(XSD[name]) for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))


def literal_text(lexical: str, datatype: str | None = None) -> str:
    """A literal's text, the same whichever store answered.

    Stores print one value in different lexical forms (Oxigraph and Virtuoso write xsd:decimal 6.0 as "6",
    Virtuoso writes xsd:boolean false as "0"), so numbers and booleans are printed in one form: decimals as
    Turtle writes them (at least one fractional digit), integers without sign or leading zeros, booleans as
    true/false. Any other literal is its lexical text; a malformed number is left as written.
    """
    text = lexical.strip()
    if datatype is None or "_" in text:  # Python's number parsers accept 1_000; XML Schema does not
        return lexical
    try:
        if datatype == str(XSD.decimal):
            value = Decimal(text)
            if not value.is_finite():
                return lexical
            fixed = format(value.normalize() if value else Decimal(0), "f")
            return fixed if "." in fixed else fixed + ".0"
        if datatype in _INTEGER_TYPES:
            return str(int(text))
        if datatype in (str(XSD.double), str(XSD.float)):
            return repr(float(text))
    except (InvalidOperation, ValueError):
        return lexical
    if datatype == str(XSD.boolean) and text in ("1", "0", "true", "false"):
        return "true" if text in ("1", "true") else "false"
    return lexical


def _term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return iri_text(str(term))
    if isinstance(term, Literal):
        return literal_text(str(term), str(term.datatype) if term.datatype else None)
    return str(term)


def _syntax_error(query: str, exc: Exception) -> QueryError:
    line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    column = getattr(exc, "col", None) or getattr(exc, "column", None)
    offset = len(prologue().splitlines())
    if isinstance(line, int) and isinstance(column, int):
        user_line = line - offset
        lines = query.splitlines()
        shown = lines[user_line - 1] if 0 < user_line <= len(lines) else ""
        return QueryError(f"SPARQL syntax error at line {user_line}, column {column}: {shown.strip()}")
    return QueryError(f"SPARQL syntax error: {str(exc).splitlines()[0]}")


def run_query(graph: Graph, query: str) -> Answer:
    full = prologue() + query
    try:
        result = graph.query(full)
    except Exception as exc:  # rdflib raises pyparsing's ParseException and others
        if type(exc).__name__ in ("ParseException", "ParseSyntaxException"):
            raise _syntax_error(query, exc) from None
        raise QueryError(f"SPARQL query failed: {type(exc).__name__}: {exc}") from None
    if result.type == "ASK":
        return Answer("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Answer("graph", graph=result.graph)
    variables = tuple(str(v) for v in result.vars)
    rows = tuple(tuple(_term_text(row[i]) for i in range(len(variables))) for row in result)
    return Answer("select", variables, rows)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(answer: Answer) -> str:
    if answer.kind == "ask":
        return "true" if answer.boolean else "false"
    if answer.kind == "graph":
        return answer.graph.serialize(format="turtle")
    widths = [max([display_width(v)] + [display_width(r[i]) for r in answer.rows]) for i, v in enumerate(answer.variables)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(answer.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in answer.rows]
    lines.append(f"({len(answer.rows)} rows)")
    return "\n".join(lines)


def format_csv(answer: Answer) -> str:
    if answer.kind != "select":
        return format_table(answer)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(answer.variables)
    writer.writerows(answer.rows)
    return out.getvalue()


def format_json(answer: Answer) -> str:
    if answer.kind == "ask":
        return json.dumps({"boolean": answer.boolean})
    if answer.kind == "graph":
        return answer.graph.serialize(format="json-ld")
    return json.dumps([dict(zip(answer.variables, row)) for row in answer.rows], ensure_ascii=False, indent=2)


FORMATTERS = {"table": format_table, "csv": format_csv, "json": format_json}
