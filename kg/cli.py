"""The command line: a thin skin over the library. Parses arguments, calls one function, reports.

    kg build FILE_OR_DIR... -o OUT      build graph.ttl and graph.html
    kg validate GRAPH.ttl               check a graph against the ontology's SHACL shapes
    kg query QUERY_OR_FILE.rq           run SPARQL over a built graph
    kg view GRAPH.ttl --focus NAME      an HTML view of one entity's neighbourhood
    kg stats GRAPH.ttl [--plot PNG]     graph analytics (networkx)
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kg.errors import KgError


def _cmd_build(args: argparse.Namespace) -> int:
    from kg.parallel import run_build

    streamed = run_build(args)  # --stream / --engine dask: N-Triples page by page
    if streamed is not None:
        return streamed
    from kg.export.formats import FORMATS, Export, write_formats
    from kg.parallel import build
    from kg.update import prepare_from_args

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise KgError(f"unknown format(s) {', '.join(unknown)}; choose from {','.join(FORMATS)}")
    # pages read (and merged with a build's kept pages under --update), built; errors and warnings printed
    prepared = prepare_from_args(args, lambda pages: build(pages, jobs=args.jobs, progress=args.progress))
    if not prepared.report(strict=args.strict):
        return 1
    result, out = prepared.build, prepared.out
    export = Export(result.linked)
    write_formats(export, out, formats)
    if not args.no_html:
        from kg.export.html import write_html
        from kg.export.views import write_county_views

        title = "党建知识图谱：" + "、".join(r.page.source for r in result.linked.results)
        write_html(export.graph, out / "graph.html", title=title)
        write_county_views(export.graph, out / "views", title)
    prepared.keep()  # the pages, kept under out/.pages for a later --update
    _print_summary(result, len(export), out)
    return 1 if result.skipped else 0


def _print_summary(result, triples: int, out: Path) -> None:
    linked = result.linked
    articles = sum(len(r.articles) for r in linked.results)
    by_type = Counter(e.type for e in linked.entities)
    print(f"{len(linked.results)} pages built, {len(result.skipped)} skipped")
    print(f"{articles} articles, {len(linked.entities)} entities, {len(linked.relations)} relations, {triples} triples")
    print("entities: " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
    print(f"written to {out}")


def _cmd_validate(args: argparse.Namespace) -> int:
    from kg.validate import format_report, validate

    report = validate(_load_graph(args.graph))
    print(format_report(report))
    return 0 if report.conforms else 1


def _load_graph(path: Path):
    from kg.query import load_graph

    return load_graph(path)


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.query import FORMATTERS, read_query
    from kg.store import answer_query

    answer = answer_query(args.graph, read_query(args.query), store=args.store)
    print(FORMATTERS[args.format](answer))
    return 0


def _cmd_view(args: argparse.Namespace) -> int:
    from kg.export.html import write_html

    graph = _load_graph(args.graph)
    title = args.title or (f"{args.focus}：{args.graph.name}" if args.focus else f"党建知识图谱：{args.graph.name}")
    write_html(graph, args.output, title, focus=args.focus, hops=args.hops)
    print(f"written to {args.output}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from kg.export.stats import compute_stats, format_stats, plot_stats

    stats = compute_stats(_load_graph(args.graph), top=args.top)
    print(format_stats(stats, args.format))
    if args.plot:
        plot_stats(stats, args.plot)
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Build a knowledge graph from Chinese local news pages.")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the graph of pages (files or directories)")
    build.add_argument("inputs", nargs="*", type=Path, help="page files or directories of pages")
    build.add_argument("-o", "--output", type=Path, default=Path("out"), help="output directory (default: out)")
    build.add_argument("--glob", default="*.txt", help="pattern of page files inside directories (default: *.txt)")
    build.add_argument("--no-html", action="store_true", help="skip the HTML view")
    build.add_argument("--format", default="ttl",
                       help="comma-separated output formats: ttl,nt,jsonld,trig,graphml,csv (Turtle always)")
    build.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="worker processes building pages (default: all cores; 1: none)")
    build.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local processes, or a Dask cluster (needs --format nt; pip install 'dask[distributed]')")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster of --jobs workers)")
    build.add_argument("--stream", action="store_true",
                       help="write graph.nt page by page in flat memory (needs --format nt; no Turtle, no HTML)")
    build.add_argument("--no-progress", dest="progress", action="store_false",
                       help="no progress bar (it is drawn only when stderr is a terminal)")
    build.add_argument("--update", type=Path, metavar="OUT",
                       help="add the pages to the build in OUT (replacing pages of the same name) instead of "
                            "building them alone; OUT is also the output directory")
    build.add_argument("--remove", action="append", metavar="PAGE", default=[],
                       help="with --update: drop this page (file name) from the build; repeatable")
    build.add_argument("--strict", action="store_true",
                       help="any warning (a page without articles, a page not in UTF-8, ...) is fatal")
    build.add_argument("--max-bytes", type=int, default=50_000_000, metavar="N",
                       help="refuse page files larger than N bytes (default: 50000000)")
    build.add_argument("--allow-large", action="store_true", help="read page files of any size")
    build.set_defaults(run=_cmd_build)

    validate = commands.add_parser("validate", help="validate a graph against the ontology's SHACL shapes")
    validate.add_argument("graph", type=Path)
    validate.set_defaults(run=_cmd_validate)

    view = commands.add_parser("view", help="write an interactive HTML view of a graph, whole or around one entity")
    view.add_argument("graph", type=Path)
    view.add_argument("--focus", help="canonical name of the entity to centre on (e.g. 梁山县)")
    view.add_argument("--hops", type=int, default=2, help="steps around the focus (default: 2)")
    view.add_argument("--title")
    view.add_argument("-o", "--output", type=Path, default=Path("out/view.html"))
    view.set_defaults(run=_cmd_view)

    stats = commands.add_parser("stats", help="counts, most connected entities, communities, county x program kind")
    stats.add_argument("graph", type=Path)
    stats.add_argument("--format", choices=("md", "csv", "json"), default="md")
    stats.add_argument("--top", type=int, default=10, help="rows of each ranking (default: 10)")
    stats.add_argument("--plot", type=Path, help="also draw the matrix and top-N bars into this PNG (needs matplotlib)")
    stats.set_defaults(run=_cmd_stats)

    query = commands.add_parser("query", help="run a SPARQL query (text or .rq file) with the dj: prefixes predefined")
    query.add_argument("query", help="SPARQL text or the path of a .rq file")
    query.add_argument("--graph", type=Path, default=Path("out/graph.ttl"), help="graph file (default: out/graph.ttl)")
    query.add_argument("--format", choices=("table", "csv", "json"), default="table")
    query.add_argument("--store", choices=("rdflib", "oxigraph"), default="rdflib",
                       help="rdflib in memory, or an on-disk Oxigraph store beside the graph (large graphs)")
    query.set_defaults(run=_cmd_query)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except KgError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output went away (`kg query … | head`): not an error of ours.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
