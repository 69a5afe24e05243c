"""Graph analytics for `kg stats`: counts, central entities, communities, program kinds per county, reporters.

Every analysis runs on its own guard (as kglab's `networks.py` does): one that fails records
its error in `Stats.errors` and leaves its field empty; the others still appear.

All orders are total (ties broken by label, then IRI) and floats are rounded, so the same
graph always gives the same text.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from kg.errors import KgError
from kg.export.files import write_atomic
from kg.export.formats import to_networkx
from kg.query import display_width
from kg.resources import load_table
from kg.vocab import CLASS_OF_TYPE, DJ, PROPERTY_OF_LINK

# Entity types (local names of the classes, as `to_networkx` writes them) that are ranked.
RANKED_TYPES = (("Organization", "组织"), ("Program", "项目"), ("Town", "镇街"))
MEASURES = (("degree", "度数"), ("betweenness", "介数"))

# Credits say who wrote a story, not what it is about: left out of the entity graph so a
# prolific reporter does not become the bridge between everything.
CREDIT_TYPES = frozenset({"Reporter"})
CREDIT_PREDICATES = frozenset({"reporter", "photographer"})

# Edges followed upwards to find the county an entity belongs to.
PLACE_PREDICATES = frozenset({"locatedIn", "launchedIn", "issuedIn", "runBy"})

# Above this many nodes, betweenness is estimated from this many seeded source nodes
# (exact betweenness is O(nodes x edges), too slow for a large build on a small machine).
BETWEENNESS_SOURCES = 1000
LOUVAIN_SEED = 42
MEMBERS_SHOWN = 5
DIGITS = 4

OTHER_KIND = "其他"
# Roles of program_heads.txt whose words are printed after a name but are not part of it.
NOT_NAME_ROLES = frozenset({"marker"})
CLOSING_MARKS = "”’\"'」』》）) \u3000"

# Preferred CJK fonts, by family name as matplotlib's font manager reports it.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
             "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")


class StatsError(KgError):
    """Statistics cannot be drawn or written (a missing optional dependency, an unknown format)."""


@dataclass(frozen=True)
class Ranked:
    label: str
    iri: str
    value: float


@dataclass(frozen=True)
class Ranking:
    """The top entities of one type by one measure ("degree" or "betweenness")."""

    type: str
    measure: str
    items: tuple[Ranked, ...]


@dataclass(frozen=True)
class Community:
    """A Louvain community: its entities (`size`), articles, best-connected members and dominant county."""

    size: int
    articles: int
    members: tuple[str, ...]
    county: str | None


@dataclass(frozen=True)
class ProgramMatrix:
    """Programs counted by the place they are launched in (rows) and kind (columns).

    `unplaced` counts, per kind, the programs with no dj:launchedIn.
    """

    kinds: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    unplaced: tuple[int, ...]


@dataclass(frozen=True)
class ReporterLoad:
    name: str
    articles: int
    counties: tuple[str, ...]


@dataclass(frozen=True)
class Stats:
    top: int
    counts: tuple[tuple[str, int], ...] = ()
    rankings: tuple[Ranking, ...] = ()
    community_count: int = 0
    communities: tuple[Community, ...] = ()
    programs: ProgramMatrix | None = None
    reporters: tuple[ReporterLoad, ...] = ()
    errors: tuple[tuple[str, str], ...] = field(default=())  # (analysis, "ErrorType: message")


# ---------------------------------------------------------------------------------------------
# The graph seen three ways, each built once and only when an analysis asks for it.

class _Views:
    def __init__(self, graph: Graph):
        self.rdf = graph

    @cached_property
    def directed(self):
        """Entities and articles with their links (`kg.export.formats.to_networkx`)."""
        return to_networkx(self.rdf)

    @cached_property
    def undirected(self):
        """The entity graph: entities and articles as nodes, an article joined to what it is
        about and mentions, entities to each other by their relations; credits left out."""
        import networkx as nx

        directed = self.directed
        graph = nx.Graph()
        for node, data in directed.nodes(data=True):
            if data["type"] not in CREDIT_TYPES:
                graph.add_node(node, **data)
        for source, target, data in directed.edges(data=True):
            if source != target and source in graph and target in graph:
                graph.add_edge(source, target)
        return graph

    def label(self, node: str) -> str:
        return self.directed.nodes[node]["label"] or node.rsplit("/", 1)[-1]

    def type(self, node: str) -> str:
        return self.directed.nodes[node]["type"]

    def targets(self, node: str, predicates) -> list[str]:
        found = {o for _, o, d in self.directed.out_edges(node, data=True) if d["predicate"] in predicates}
        return sorted(found, key=lambda n: (self.label(n), n))

    def sources(self, node: str, predicates) -> list[str]:
        found = {s for s, _, d in self.directed.in_edges(node, data=True) if d["predicate"] in predicates}
        return sorted(found, key=lambda n: (self.label(n), n))


# ---------------------------------------------------------------------------------------------
# The analyses: each takes the views and `top`, returns the fields it fills.

def count_types(views: _Views, top: int) -> dict:
    """Nodes per entity type, then articles, entity mentions, quantities, relations, triples."""
    graph = views.rdf
    counts = [(type_, len(set(graph.subjects(RDF.type, cls)))) for type_, cls in CLASS_OF_TYPE.items()]
    quantities = set(graph.subjects(RDF.type, DJ.Quantity))
    mentions = {m for m in graph.subjects(RDF.type, DJ.Mention)
                if not any(e in quantities for e in graph.objects(m, DJ.mentionOf))}
    relations = sum(1 for p in set(PROPERTY_OF_LINK.values()) for _ in graph.subject_objects(p))
    counts += [("article", len(set(graph.subjects(RDF.type, DJ.Article)))), ("mention", len(mentions)),
               ("quantity", len(quantities)), ("relation", relations), ("triple", len(graph))]
    return {"counts": tuple(counts)}


def _ranking(views: _Views, scores: dict, type_: str, measure: str, top: int) -> Ranking:
    nodes = [n for n in views.undirected if views.type(n) == type_]
    ordered = sorted(nodes, key=lambda n: (-scores[n], views.label(n), n))[:top]
    return Ranking(type_, measure, tuple(Ranked(views.label(n), n, scores[n]) for n in ordered))


def rank_by_degree(views: _Views, top: int) -> dict:
    """Degree in the entity graph: the articles an entity appears in plus the entities it is related to."""
    scores = dict(views.undirected.degree())
    return {"degree": tuple(_ranking(views, scores, t, "degree", top) for t, _ in RANKED_TYPES)}


def rank_by_betweenness(views: _Views, top: int) -> dict:
    """Normalised betweenness in the entity graph: how often an entity lies between others, through
    the articles that mention both; exact up to BETWEENNESS_SOURCES nodes, seeded estimate above."""
    import networkx as nx

    graph = views.undirected
    sample = BETWEENNESS_SOURCES if graph.number_of_nodes() > BETWEENNESS_SOURCES else None
    raw = nx.betweenness_centrality(graph, k=sample, seed=LOUVAIN_SEED)
    scores = {n: round(v, DIGITS) for n, v in raw.items()}
    return {"betweenness": tuple(_ranking(views, scores, t, "betweenness", top) for t, _ in RANKED_TYPES)}


def _county_of(views: _Views, node: str) -> str | None:
    """The nearest county up the entity's place links (itself if it is one); ties by label."""
    frontier, seen = [node], {node}
    while frontier:
        counties = sorted((n for n in frontier if views.type(n) == "County"), key=lambda n: (views.label(n), n))
        if counties:
            return counties[0]
        upper = []
        for n in frontier:
            for target in views.targets(n, PLACE_PREDICATES):
                if target not in seen:
                    seen.add(target)
                    upper.append(target)
        frontier = upper
    return None


def find_communities(views: _Views, top: int) -> dict:
    """Louvain communities of the entity graph (seeded), largest first; each member entity votes for
    its county, each member article for the counties it is about."""
    import networkx as nx

    graph = views.undirected
    degree = dict(graph.degree())
    found = nx.community.louvain_communities(graph, seed=LOUVAIN_SEED)
    communities = []
    for nodes in found:
        entities = sorted((n for n in nodes if views.type(n) != "Article"), key=lambda n: (-degree[n], views.label(n), n))
        if not entities:
            continue
        articles = [n for n in nodes if views.type(n) == "Article"]
        votes: Counter = Counter()
        for n in entities:
            county = _county_of(views, n)
            if county:
                votes[county] += 1
        for n in articles:
            for place in views.targets(n, {"about"}):
                if views.type(place) == "County":
                    votes[place] += 1
        county = min(votes, key=lambda c: (-votes[c], views.label(c), c)) if votes else None
        communities.append(Community(len(entities), len(articles),
                                     tuple(views.label(n) for n in entities[:MEMBERS_SHOWN]),
                                     views.label(county) if county else None))
    communities.sort(key=lambda c: (-c.size, -c.articles, c.members))
    return {"community_count": len(communities), "communities": tuple(communities[:top])}


@lru_cache(maxsize=None)
def program_heads() -> tuple[str, ...]:
    """Head nouns naming a program's kind: the program finder's own grammar (kg/data/program_heads.txt)."""
    words = [r["word"] for r in load_table("program_heads.txt") if r.get("role") not in NOT_NAME_ROLES]
    return tuple(dict.fromkeys(w for w in words if w))


def program_kind(label: str, heads: tuple[str, ...] | None = None) -> str:
    """The shortest head noun the name ends with (专项行动 -> 行动), so kinds stay few; else 其他."""
    name = label.strip().rstrip(CLOSING_MARKS)
    matching = [h for h in (program_heads() if heads is None else heads) if name.endswith(h)]
    return min(matching, key=lambda h: (len(h), h)) if matching else OTHER_KIND


def count_program_kinds(views: _Views, top: int) -> dict:
    """Programs per (place launched in, kind); rows in division-code order, the `top` most frequent
    kinds as columns, rarer kinds folded into 其他 with the programs no head names."""
    directed = views.directed
    kind_of, places_of = {}, {}
    for node, data in directed.nodes(data=True):
        if data["type"] == "Program":
            kind_of[node] = program_kind(data["label"])
            places_of[node] = views.targets(node, {"launchedIn"})
    totals = Counter(kind_of.values())
    named = sorted((k for k in totals if k != OTHER_KIND), key=lambda k: (-totals[k], k))[:top]
    kinds = (*named, OTHER_KIND) if len(named) < len(totals) else tuple(named)
    column = {k: (k if k in named else OTHER_KIND) for k in totals}
    cells: Counter = Counter()
    unplaced: Counter = Counter()
    for node, kind in kind_of.items():
        for place in places_of[node]:
            cells[(place, column[kind])] += 1
        if not places_of[node]:
            unplaced[column[kind]] += 1
    places = {place for targets in places_of.values() for place in targets}
    ordered = sorted(places, key=lambda p: (directed.nodes[p]["code"] or "~", views.label(p), p))
    rows = tuple((views.label(p), tuple(cells[(p, k)] for k in kinds)) for p in ordered)
    return {"programs": ProgramMatrix(kinds, rows, tuple(unplaced[k] for k in kinds))}


def count_reporters(views: _Views, top: int) -> dict:
    """Reporters (writers and photographers) by articles credited, then by counties those articles are about."""
    loads = []
    for node, data in views.directed.nodes(data=True):
        if data["type"] != "Reporter":
            continue
        articles = views.sources(node, CREDIT_PREDICATES)
        counties = {views.label(p) for a in articles for p in views.targets(a, {"about"}) if views.type(p) == "County"}
        loads.append(ReporterLoad(views.label(node), len(articles), tuple(sorted(counties))))
    loads.sort(key=lambda r: (-r.articles, -len(r.counties), r.name))
    return {"reporters": tuple(loads[:top])}


def _analyses():
    # Looked up at call time so each can be replaced (tests make one fail).
    return (("counts", count_types), ("degree", rank_by_degree), ("betweenness", rank_by_betweenness),
            ("communities", find_communities), ("programs", count_program_kinds), ("reporters", count_reporters))


def compute_stats(graph: Graph, top: int = 10) -> Stats:
    """All analyses of a built graph, each guarded; `top` bounds every list.

    Centrality and communities use the undirected entity graph: entities and articles are its
    nodes; an article is joined to the entities it is dj:about and dj:mentions, entities to each
    other by locatedIn/launchedIn/runBy/issuedBy/issuedIn. So an entity's degree is the number of
    articles it appears in plus its related entities, and entities named in the same article are
    two steps apart. Reporter credits are left out (they say who wrote, not what about).
    """
    if top < 0:
        raise StatsError(f"top must be 0 or more, got {top}")
    views = _Views(graph)
    fields: dict = {}
    errors = []
    for name, analysis in _analyses():
        try:
            fields.update(analysis(views, top))
        except Exception as exc:  # a failing metric must not lose the others
            errors.append((name, f"{type(exc).__name__}: {exc}"))
    rankings = fields.pop("degree", ()) + fields.pop("betweenness", ())
    return Stats(top=top, rankings=rankings, errors=tuple(errors), **fields)


# ---------------------------------------------------------------------------------------------
# Text output: the same tables as Markdown or CSV; JSON straight from the dataclasses.

@dataclass(frozen=True)
class _Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


def _number(value) -> str:
    return f"{value:.{DIGITS}f}" if isinstance(value, float) else str(value)


def _tables(stats: Stats) -> list[_Table]:
    tables = []
    if stats.counts:
        tables.append(_Table("counts", "数量 Counts", ("类型 type", "数量 count"),
                             tuple((t, str(n)) for t, n in stats.counts), (False, True)))
    type_titles, measure_titles = dict(RANKED_TYPES), dict(MEASURES)
    for ranking in stats.rankings:
        tables.append(_Table(
            f"top_{ranking.type.lower()}_by_{ranking.measure}",
            f"{type_titles.get(ranking.type, ranking.type)} {ranking.type} — {measure_titles.get(ranking.measure, '')} {ranking.measure}",
            ("rank", "名称 name", f"{measure_titles.get(ranking.measure, '')} {ranking.measure}"),
            tuple((str(i), r.label, _number(r.value)) for i, r in enumerate(ranking.items, 1)),
            (True, False, True)))
    if stats.communities:
        tables.append(_Table(
            "communities", f"社区发现 Communities (Louvain, {len(stats.communities)} of {stats.community_count})",
            ("rank", "实体 entities", "文章 articles", "区县 county", "主要成员 top members"),
            tuple((str(i), str(c.size), str(c.articles), c.county or "—", "、".join(c.members))
                  for i, c in enumerate(stats.communities, 1)),
            (True, True, True, False, False)))
    if stats.programs is not None:
        matrix = stats.programs
        rows = [(place, *map(str, counts), str(sum(counts))) for place, counts in matrix.rows]
        if any(matrix.unplaced):
            rows.append(("（未注明）", *map(str, matrix.unplaced), str(sum(matrix.unplaced))))
        tables.append(_Table("program_kinds", "区县 × 项目类型 Programs by place and kind",
                             ("区县 place", *matrix.kinds, "合计 total"), tuple(rows),
                             (False,) + (True,) * (len(matrix.kinds) + 1)))
    if stats.reporters:
        tables.append(_Table(
            "reporters", "通讯员 Reporters",
            ("姓名 name", "文章 articles", "区县数 counties", "区县 county list"),
            tuple((r.name, str(r.articles), str(len(r.counties)), "、".join(r.counties)) for r in stats.reporters),
            (False, True, True, False)))
    if stats.errors:
        tables.append(_Table("errors", "未完成的分析 Failed analyses", ("分析 analysis", "错误 error"),
                             tuple(stats.errors), (False, False)))
    return tables


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _markdown(table: _Table) -> str:
    header = tuple(_cell(c) for c in table.columns)
    rows = [tuple(_cell(c) for c in row) for row in table.rows]
    widths = [max([3, display_width(header[i])] + [display_width(r[i]) for r in rows]) for i in range(len(header))]

    def line(cells) -> str:
        padded = [(" " * (w - display_width(c)) + c) if right else (c + " " * (w - display_width(c)))
                  for c, w, right in zip(cells, widths, table.numeric)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if right else "-" * (w + 2) for w, right in zip(widths, table.numeric)) + "|"
    return "\n".join([f"## {table.title}", "", line(header), rule, *(line(r) for r in rows)]) + "\n"


def _csv(table: _Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return f"# {table.name}\n" + out.getvalue()


def format_stats(stats: Stats, fmt: str) -> str:
    """The stats as "md" (Markdown tables aligned for a terminal), "csv" (one block per table after a
    `# name` line) or "json"."""
    if fmt == "json":
        return json.dumps(asdict(stats), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return f"# 图谱统计 Graph statistics (top {stats.top})\n\n" + "\n".join(_markdown(t) for t in _tables(stats))
    if fmt == "csv":
        return "\n".join(_csv(t) for t in _tables(stats))
    raise StatsError(f"unknown stats format {fmt!r}; choose md, csv or json")


# ---------------------------------------------------------------------------------------------
# The picture: matrix heatmap and top organizations/programs by degree, one PNG.

def cjk_font() -> str | None:
    """The first installed font of CJK_FONTS, or None (labels then show as boxes, nothing fails)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _draw_matrix(ax, matrix: ProgramMatrix | None) -> None:
    ax.set_title("区县 × 项目类型 (dj:launchedIn)")
    if matrix is None or not matrix.rows or not matrix.kinds:
        ax.text(0.5, 0.5, "no programs with a place", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    values = [list(counts) for _, counts in matrix.rows]
    image = ax.imshow(values, cmap="YlOrRd", aspect="auto", vmin=0)
    ax.set_xticks(range(len(matrix.kinds)), labels=matrix.kinds, rotation=45, ha="right")
    ax.set_yticks(range(len(matrix.rows)), labels=[place for place, _ in matrix.rows])
    peak = max(max(row) for row in values) or 1
    for y, row in enumerate(values):
        for x, value in enumerate(row):
            if value:
                ax.text(x, y, str(value), ha="center", va="center", fontsize=9,
                        color="white" if value > peak / 2 else "black")
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)


def _draw_bars(ax, ranking: Ranking | None, title: str) -> None:
    ax.set_title(title)
    if ranking is None or not ranking.items:
        ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    items = list(reversed(ranking.items))
    ax.barh(range(len(items)), [r.value for r in items], color="#b22222")
    ax.set_yticks(range(len(items)), labels=[_short(r.label) for r in items])
    ax.set_xlabel(ranking.measure)
    if ranking.measure == "degree":
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def plot_stats(stats: Stats, path: Path) -> None:
    """Draw the county × program-kind heatmap and the top organizations and programs by degree into one PNG."""
    try:
        import matplotlib
    except ImportError:
        raise StatsError("plotting needs matplotlib: pip install 'dangjian-kg[plot]' (or: pip install matplotlib)") from None

    font = cjk_font()
    rc = {"font.family": "sans-serif", "axes.unicode_minus": False}
    if font:
        rc["font.sans-serif"] = [font, *matplotlib.rcParams["font.sans-serif"]]
    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    font_log.setLevel(logging.ERROR)  # "weight normal not found, using 500" is noise for a medium-only CJK font
    try:
        with matplotlib.rc_context(rc), warnings.catch_warnings():
            # Without a CJK font, glyphs fall back to boxes: the picture is still worth writing.
            warnings.filterwarnings("ignore", message=r".*[Gg]lyph .* missing from")
            png = _render(stats)
    finally:
        font_log.setLevel(level)
    write_atomic(path, png)


def _render(stats: Stats) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # Agg without pyplot: no global backend switch
    from matplotlib.figure import Figure

    degree = {r.type: r for r in stats.rankings if r.measure == "degree"}
    matrix = stats.programs
    rows = len(matrix.rows) if matrix else 0
    columns = len(matrix.kinds) if matrix else 0
    bars = max([len(r.items) for r in degree.values()] + [1])
    figure = Figure(figsize=(max(12.0, 0.8 * columns + 5), 0.45 * rows + 0.35 * bars + 6), layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 2, height_ratios=[max(rows, 2) + 2, bars + 1])
    _draw_matrix(figure.add_subplot(grid[0, :]), matrix)
    _draw_bars(figure.add_subplot(grid[1, 0]), degree.get("Organization"), "组织 · 度数 (top organizations)")
    _draw_bars(figure.add_subplot(grid[1, 1]), degree.get("Program"), "项目 · 度数 (top programs)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


__all__ = ["Community", "ProgramMatrix", "Ranked", "Ranking", "ReporterLoad", "Stats", "StatsError",
           "compute_stats", "format_stats", "plot_stats", "program_kind", "program_heads", "cjk_font"]
