"""One focused HTML view per county-level unit, and an index page linking them."""
from __future__ import annotations

import html
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from kg.export.files import write_text_atomic
from kg.export.html import write_html
from kg.vocab import DJ

VIEW_HOPS = 2


def county_labels(graph: Graph) -> list[tuple[str, str]]:
    """(file stem, label) of every county the graph holds, by label; the stem is ASCII (the IRI's last part)."""
    counties = {}
    for node in graph.subjects(RDF.type, DJ.County):
        label = graph.value(node, RDFS.label)
        if label is not None:
            counties[str(node).rstrip("/").rsplit("/", 1)[-1]] = str(label)
    return sorted(counties.items(), key=lambda kv: (kv[1], kv[0]))


def _index_page(title: str, views: list[tuple[str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{html.escape(stem)}.html">{html.escape(label)}</a></li>' for stem, label in views)
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n<p><a href=\"../graph.html\">全图</a></p>\n<ul>\n{items}\n</ul>\n"
        "</body>\n</html>\n"
    )


def write_county_views(graph: Graph, directory: Path, title: str) -> list[Path]:
    """`directory/<id>.html` for each county (its neighbourhood within VIEW_HOPS) and `directory/index.html`."""
    views = county_labels(graph)
    written = []
    for stem, label in views:
        path = directory / f"{stem}.html"
        write_html(graph, path, f"{label}：{title}", focus=label, hops=VIEW_HOPS)
        written.append(path)
    write_text_atomic(directory / "index.html", _index_page(f"各区县视图：{title}", views))
    written.append(directory / "index.html")
    for stale in sorted(set(directory.glob("*.html")) - set(written)):
        stale.unlink()  # the view of a county no longer in the graph
    return written
