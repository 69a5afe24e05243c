"""The graph as one interactive HTML page (vis-network through pyvis), opened offline.

    render_html(graph, title, focus=None, hops=2) -> str
    write_html(graph, path, title, **kw)

The page is self-contained: vis-network's script and style, as pyvis ships
them, are inlined, and nothing is fetched from the network. pyvis 0.3.2's own
page template always links bootstrap from a CDN and writes its heading
unescaped, so pyvis here builds the nodes and edges and the page is written
from this module's template.

Safety: every text of the graph reaches the page either through
`html.escape` (the static parts) or as JSON data read by the page's script
and put into the DOM with `textContent`. The JSON has `<`, `>` and `&`
written as \\u escapes, so a `</script>` inside a name cannot end the script
element. Nodes carry no vis `title` (vis renders a string title as HTML);
tooltips are built by the page's own script.

Determinism: node ids are the graph's IRIs, nodes and edges are sorted, the
layout seed is fixed, and JSON is dumped with sorted keys, so the same graph
gives a byte-identical page.
"""
from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pyvis
from pyvis.network import Network
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.errors import KgError
from kg.export.files import write_text_atomic
from kg.vocab import DJ

LAYOUT_SEED = 20240607
EVIDENCE_PER_NODE = 3
LABEL_LINE = 12  # characters per line of a node label: long body names wrap instead of spreading wide


@dataclass(frozen=True)
class Style:
    """How one kind of node is drawn and named on the page."""

    key: str
    name: str  # shown to the reader
    colour: str
    shape: str  # a vis-network shape with the label below it
    symbol: str  # the legend's stand-in for the shape


ENTITY_STYLES: tuple[tuple[URIRef, Style], ...] = (
    (DJ.Province, Style("province", "省", "#8c2d04", "diamond", "◆")),
    (DJ.City, Style("city", "市", "#d62728", "diamond", "◆")),
    (DJ.County, Style("county", "县（市、区）", "#ff7f0e", "diamond", "◆")),
    (DJ.Town, Style("town", "乡镇（街道）", "#b5b31a", "triangle", "▲")),
    (DJ.Village, Style("village", "村", "#2ca02c", "triangle", "▲")),
    (DJ.Community, Style("community", "社区", "#17becf", "triangle", "▲")),
    (DJ.Organization, Style("organization", "组织机构", "#1f77b4", "dot", "●")),
    (DJ.Program, Style("program", "活动与品牌", "#9467bd", "star", "★")),
    (DJ.PolicyDocument, Style("document", "政策文件", "#8c564b", "square", "■")),
    (DJ.Person, Style("person", "人物", "#e377c2", "dot", "●")),
    (DJ.Reporter, Style("reporter", "记者", "#7f7f7f", "triangleDown", "▼")),
)
ARTICLE_STYLE = Style("article", "文章", "#a6a6a6", "square", "■")
STYLE_OF_CLASS = dict(ENTITY_STYLES)
STYLES = tuple(style for _, style in ENTITY_STYLES) + (ARTICLE_STYLE,)

# Shown only on demand: a page has dozens of stories and bylines, which would
# bury the entities; one button shows both at once.
ON_DEMAND_TYPES = ("article", "reporter")

ARTICLE_KIND_NAMES = {"news": "消息", "feature": "通讯", "photo": "图片"}


@dataclass(frozen=True)
class EdgeStyle:
    key: str
    label: str
    reverse: bool  # drawn object -> subject, so the Chinese label reads left to right


# runBy and issuedBy are drawn from the body to what it runs or issues:
# "组织 主办 活动" reads as Chinese, "活动 主办 组织" would not.
RELATION_EDGES: dict[URIRef, EdgeStyle] = {
    DJ.locatedIn: EdgeStyle("locatedIn", "位于", False),
    DJ.launchedIn: EdgeStyle("launchedIn", "发起于", False),
    DJ.runBy: EdgeStyle("runBy", "主办", True),
    DJ.issuedBy: EdgeStyle("issuedBy", "发布", True),
    DJ.issuedIn: EdgeStyle("issuedIn", "发布于", False),
}
CREDIT_EDGES: dict[URIRef, EdgeStyle] = {
    DJ.reporter: EdgeStyle("reporter", "报道", True),
    DJ.photographer: EdgeStyle("photographer", "摄影", True),
}
SUBJECT_EDGE = EdgeStyle("mentions", "涉及", False)  # dj:about and dj:mentions, one edge per pair

# An entity belongs to a county when a chain of these edges leads there from it.
REACH_PREDICATES = tuple(RELATION_EDGES)


# ---------------------------------------------------------------- view graph


def _entity_style(graph: Graph, node) -> Style | None:
    styles = [STYLE_OF_CLASS[c] for c in graph.objects(node, RDF.type) if c in STYLE_OF_CLASS]
    return min(styles, key=lambda s: s.key) if styles else None


def _article_index(node: URIRef) -> str:
    return str(node).rsplit("/", 1)[-1]


def _article_label(headline: str | None, kind: str, node: URIRef) -> str:
    if headline:
        return headline if len(headline) <= 14 else headline[:13] + "…"
    return f"{ARTICLE_KIND_NAMES.get(kind, '文章')}#{_article_index(node)}"


def _evidence(graph: Graph) -> dict[str, list[dict]]:
    """Entity id -> its evidence sentences (distinct, in page order)."""
    found: dict[str, list[tuple]] = defaultdict(list)
    for mention in graph.subjects(RDF.type, DJ.Mention):
        entity = graph.value(mention, DJ.mentionOf)
        article = graph.value(mention, DJ.inArticle)
        if entity is None:
            continue
        sentence = graph.value(mention, DJ.sentence) or graph.value(mention, DJ.text)
        source = graph.value(article, DJ.sourceFile) if article is not None else None
        headline = graph.value(article, DJ.headline) if article is not None else None
        start = graph.value(mention, DJ.startOffset)
        found[str(entity)].append((
            str(source or ""), int(start) if start is not None else 0, str(sentence or ""),
            str(headline) if headline else None))
    evidence = {}
    for entity, items in found.items():
        seen, chosen = set(), []
        for source, _, sentence, headline in sorted(items, key=lambda i: (i[0], i[1], i[2])):
            if (sentence, source) in seen or not sentence:
                continue
            seen.add((sentence, source))
            chosen.append({"sentence": sentence, "source": source, "headline": headline})
        evidence[entity] = chosen[:EVIDENCE_PER_NODE]
    return evidence


def _county_reach(graph: Graph, types: dict[str, str]) -> dict[str, list[str]]:
    """Entity id -> the counties its locatedIn (launchedIn, runBy, …) chain reaches, itself included."""
    outgoing: dict[str, set[str]] = defaultdict(set)
    for predicate in REACH_PREDICATES:
        for subject, obj in graph.subject_objects(predicate):
            outgoing[str(subject)].add(str(obj))
    reach = {}
    for start in types:
        seen, stack = {start}, [start]
        while stack:
            for nxt in outgoing.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        reach[start] = sorted(n for n in seen if types.get(n) == "county")
    return reach


def view_graph(graph: Graph) -> nx.MultiDiGraph:
    """The drawn graph: entities and articles as nodes, relations, credits and subjects as edges.

    Mentions are folded into one 涉及 edge per (article, entity) and into each
    entity's evidence. Node attributes: kind ("entity"/"article"), type (a
    Style key), label, info (what the tooltip shows), counties.
    """
    view = nx.MultiDiGraph()
    types: dict[str, str] = {}
    for subject in set(graph.subjects(RDF.type, None)):
        style = _entity_style(graph, subject)
        if style is not None:
            types[str(subject)] = style.key
    evidence = _evidence(graph)
    for node_id in sorted(types):
        node = URIRef(node_id)
        label = graph.value(node, RDFS.label)
        name = str(label) if label is not None else node_id.rsplit("/", 1)[-1]
        code = graph.value(node, DJ.divisionCode)
        kind = graph.value(node, DJ.orgKind)
        view.add_node(node_id, kind="entity", type=types[node_id], label=name, info={
            "name": name,
            "aliases": sorted({str(a) for a in graph.objects(node, SKOS.altLabel)} - {name}),
            "code": str(code) if code is not None else None,
            "orgKind": str(kind) if kind is not None else None,
            "evidence": evidence.get(node_id, []),
        })
    for predicate, style in sorted(RELATION_EDGES.items()):
        for subject, obj in graph.subject_objects(predicate):
            s, o = str(subject), str(obj)
            if s in types and o in types:
                src, dst = (o, s) if style.reverse else (s, o)
                view.add_edge(src, dst, key=style.key, predicate=style.key, label=style.label)

    for article in set(graph.subjects(RDF.type, DJ.Article)):
        article_id = str(article)
        headline = graph.value(article, DJ.headline)
        kind = str(graph.value(article, DJ.kind) or "")
        source = str(graph.value(article, DJ.sourceFile) or "")
        credits = {style.key: sorted(str(graph.value(p, RDFS.label) or p) for p in graph.objects(article, pred))
                   for pred, style in CREDIT_EDGES.items()}
        view.add_node(article_id, kind="article", type="article",
                      label=_article_label(str(headline) if headline else None, kind, article), info={
                          "name": str(headline) if headline else _article_label(None, kind, article),
                          "headline": str(headline) if headline else None,
                          "articleKind": ARTICLE_KIND_NAMES.get(kind, kind),
                          "source": source,
                          "reporters": credits["reporter"],
                          "photographers": credits["photographer"],
                      })
        for pred, style in CREDIT_EDGES.items():
            for person in graph.objects(article, pred):
                if str(person) in types:
                    view.add_edge(str(person), article_id, key=style.key, predicate=style.key, label=style.label)
        subjects = {str(o) for o in graph.objects(article, DJ.about)}
        for entity in subjects | {str(o) for o in graph.objects(article, DJ.mentions)}:
            if entity in types:
                view.add_edge(article_id, entity, key=SUBJECT_EDGE.key, predicate=SUBJECT_EDGE.key,
                              label=SUBJECT_EDGE.label, about=entity in subjects)

    reach = _county_reach(graph, types)
    for node_id in types:
        view.nodes[node_id]["counties"] = reach[node_id]
    article_counties: dict[str, set[str]] = {}
    for node_id, data in view.nodes(data=True):
        if data["kind"] == "article":
            targets = [(dst, e) for _, dst, e in view.out_edges(node_id, data=True) if e["predicate"] == "mentions"]
            about = [dst for dst, e in targets if e.get("about")] or [dst for dst, _ in targets]
            article_counties[node_id] = {c for dst in about for c in reach.get(dst, ())}
            data["counties"] = sorted(article_counties[node_id])
    for node_id, type_ in types.items():
        if type_ == "reporter":  # a byline belongs where its stories are
            stories = [dst for _, dst in view.out_edges(node_id) if dst in article_counties]
            view.nodes[node_id]["counties"] = sorted(
                set(reach[node_id]).union(*(article_counties[s] for s in stories)))
    return view


# Places above the county join every story of a city: a focused view reaches them but does not
# walk through them, or one county's view would hold the whole city.
NOT_EXPANDED_IN_FOCUS = ("city", "province")


def neighbourhood(view: nx.MultiDiGraph, focus: str, hops: int) -> set[str]:
    """Ids of the nodes within `hops` undirected steps of the entities named `focus`.

    Cities and provinces other than the focus are kept but not stepped through.
    """
    centres = sorted(n for n, d in view.nodes(data=True) if d["kind"] == "entity" and d["label"] == focus)
    if not centres:
        raise KgError(f"no entity named {focus!r} in the graph")
    undirected = view.to_undirected(as_view=True)
    keep: set[str] = set(centres)
    frontier = list(centres)
    for _ in range(max(hops, 0)):
        reached = []
        for node in frontier:
            if node not in centres and view.nodes[node]["type"] in NOT_EXPANDED_IN_FOCUS:
                continue
            for neighbour in sorted(undirected.neighbors(node)):
                if neighbour not in keep:
                    keep.add(neighbour)
                    reached.append(neighbour)
        frontier = reached
    return keep


# ---------------------------------------------------------------- page


def _wrap(label: str) -> str:
    return "\n".join(label[i:i + LABEL_LINE] for i in range(0, len(label), LABEL_LINE)) or label


def _size(degree: int) -> float:
    return round(10 + 5 * math.sqrt(degree), 2)


def _font_size(degree: int) -> int:
    # Hubs get larger labels, so the overview of a few hundred nodes still names its counties.
    return 14 + int(3 * math.sqrt(degree))


def _options(node_count: int) -> dict:
    return {
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": node_count <= 150},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.012, "springLength": 110,
                                 "springConstant": 0.06, "damping": 0.6, "avoidOverlap": 0.5},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
            "minVelocity": 1.5,
        },
        "nodes": {"borderWidth": 1, "font": {"size": 14, "face": "sans-serif", "strokeWidth": 3,
                                             "strokeColor": "#ffffff"}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#b0b0b0", "highlight": "#333333", "hover": "#555555"},
            "font": {"size": 10, "align": "middle", "color": "#555555", "strokeWidth": 3},
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
            "width": 1,
        },
        "interaction": {"hover": True, "tooltipDelay": 100, "hideEdgesOnDrag": True},
    }


def _network(view: nx.MultiDiGraph, title: str, hidden_types: set[str]) -> Network:
    net = Network(height="100%", width="100%", directed=True, heading=title, cdn_resources="in_line")
    style_of = {s.key: s for s in STYLES}
    undirected = view.to_undirected(as_view=True)
    for node_id in sorted(view.nodes):
        data = view.nodes[node_id]
        style = style_of[data["type"]]
        net.add_node(node_id, label=_wrap(data["label"]), shape=style.shape, color=style.colour,
                     size=_size(undirected.degree(node_id)), font={"size": _font_size(undirected.degree(node_id))},
                     hidden=data["type"] in hidden_types,
                     kgType=data["type"], counties=data.get("counties", []))
    for src, dst, key, data in sorted(view.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        hidden = view.nodes[src]["type"] in hidden_types or view.nodes[dst]["type"] in hidden_types
        net.add_edge(src, dst, id=f"{src}|{key}|{dst}", label=data["label"], kgPredicate=key,
                     width=2 if data.get("about") else 1, hidden=hidden)
    net.options = _options(len(view))
    return net


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survives as itself."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style as pyvis ships them, without the source-map pointer."""
    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    # split on "\n" only: str.splitlines would also cut at characters inside the script's string literals
    script = "\n".join(line for line in script.split("\n") if not line.startswith("//# sourceMappingURL="))
    if "</script" in script.lower():
        raise KgError("the vis-network script shipped with pyvis cannot be inlined (it contains </script)")
    style = (lib / "vis-network.css").read_text(encoding="utf-8")
    return script, style


def _sources(graph: Graph) -> list[str]:
    return sorted({str(s) for s in graph.objects(None, DJ.sourceFile)})


def render_html(graph: Graph, title: str, focus: str | None = None, hops: int = 2) -> str:
    """The whole page: entities and relations, articles and bylines on demand, search and filters."""
    view = view_graph(graph)
    if focus is not None:
        view = view.subgraph(neighbourhood(view, focus, hops)).copy()
    # A focused view is small, so its stories are shown from the start.
    hidden_types = set() if focus is not None else set(ON_DEMAND_TYPES)
    net = _network(view, title, hidden_types)
    nodes, edges, _, _, _, options = net.get_network_data()
    counts = defaultdict(int)
    for _, data in view.nodes(data=True):
        counts[data["type"]] += 1
    counties = sorted(((n, d["label"]) for n, d in view.nodes(data=True) if d["type"] == "county"),
                      key=lambda c: (c[1], c[0]))
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "info": {n: dict(d["info"], type=d["type"]) for n, d in view.nodes(data=True)},
        "types": [{"key": s.key, "name": s.name} for s in STYLES],
        "onDemand": list(ON_DEMAND_TYPES),
    }
    script, style = _vis_assets()
    return _page(title=title, focus=focus, hops=hops, sources=_sources(graph), counts=counts,
                 hidden_types=hidden_types, counties=counties, data=_script_json(payload),
                 vis_script=script, vis_style=style)


def _page(*, title, focus, hops, sources, counts, hidden_types, counties, data, vis_script, vis_style) -> str:
    e = html.escape
    legend = "\n".join(
        f'<label class="legend-row"><input type="checkbox" data-type="{e(s.key)}"'
        f'{"" if s.key in hidden_types else " checked"}>'
        f'<span class="symbol" style="color:{e(s.colour)}">{e(s.symbol)}</span>'
        f'<span class="type-name">{e(s.name)}</span><span class="count">{counts.get(s.key, 0)}</span></label>'
        for s in STYLES)
    county_options = "\n".join(f'<option value="{e(node_id)}">{e(name)}</option>' for node_id, name in counties)
    source_items = "\n".join(f"<li>{e(s)}</li>" for s in sources) or "<li>（无）</li>"
    focus_note = (f'<p class="focus">只显示“{e(focus)}”{int(hops)} 步以内的邻域。</p>' if focus is not None else "")
    toggle_text = "隐藏文章与记者" if not hidden_types else "显示文章与记者"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>{vis_style}</style>
<style>{PAGE_CSS}</style>
</head>
<body>
<aside id="sidebar">
<h1 id="page-title">{e(title)}</h1>
<details id="sources"><summary>来源版面（{len(sources)}）</summary><ul>{source_items}</ul></details>
{focus_note}
<form id="search-form" autocomplete="off">
<input id="search" type="search" placeholder="按名称查找节点" aria-label="按名称查找节点" list="search-names">
<datalist id="search-names"></datalist>
<button type="submit">查找</button>
</form>
<p id="search-message" role="status"></p>
<button type="button" id="toggle-articles">{toggle_text}</button>
<label class="county">按县（市、区）筛选：<select id="county-filter">
<option value="">全部</option>
{county_options}
</select></label>
<fieldset id="legend"><legend>图例与类型筛选</legend>
{legend}
<p class="edge-legend">连线：位于、发起于、主办、发布、发布于；报道、摄影（记者→文章）；涉及（文章→实体）</p>
</fieldset>
<p id="status">正在布局…</p>
<section id="details" class="info" aria-live="polite"><p class="hint">将鼠标移到节点上查看信息，点击节点在此显示详情。</p></section>
</aside>
<main id="graph-wrap"><div id="mynetwork"></div><div id="tooltip" class="info" hidden></div></main>
<script id="kg-data" type="application/json">{data}</script>
<script>{vis_script}</script>
<script>{PAGE_JS}</script>
</body>
</html>
"""


def write_html(graph: Graph, path: Path, title: str, **kw) -> None:
    """render_html to `path`, atomically: a reader sees the old page or the new one, never half."""
    write_text_atomic(Path(path), render_html(graph, title, **kw))


PAGE_CSS = """
html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; font-size: 14px; color: #222; }
body { display: flex; }
#sidebar { width: 330px; min-width: 330px; height: 100vh; overflow-y: auto; box-sizing: border-box;
  padding: 10px 12px; border-right: 1px solid #ddd; background: #fafafa; }
#sidebar h1 { font-size: 18px; margin: 4px 0 8px; word-break: break-all; }
#sources ul { margin: 4px 0; padding-left: 18px; font-size: 12px; color: #555; word-break: break-all; }
#search-form { display: flex; gap: 4px; margin: 8px 0 2px; }
#search { flex: 1; min-width: 0; padding: 4px; }
#search-message { min-height: 1em; margin: 2px 0 6px; font-size: 12px; color: #a33; }
#toggle-articles { width: 100%; padding: 5px; margin-bottom: 8px; }
label.county { display: block; margin-bottom: 8px; }
#county-filter { max-width: 150px; }
#legend { border: 1px solid #ddd; padding: 4px 8px; margin: 0 0 8px; }
.legend-row { display: flex; align-items: center; gap: 6px; line-height: 1.7; cursor: pointer; }
.symbol { width: 16px; text-align: center; font-size: 15px; }
.type-name { flex: 1; }
.count { color: #888; font-size: 12px; }
.edge-legend { font-size: 12px; color: #666; margin: 4px 0; }
.focus { background: #fff4d6; padding: 4px 6px; font-size: 12px; }
#status { font-size: 12px; color: #666; margin: 4px 0; }
#graph-wrap { position: relative; flex: 1; height: 100vh; }
#mynetwork { position: absolute; inset: 0; }
.info h2 { font-size: 16px; margin: 0 0 4px; word-break: break-all; }
.info dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; }
.info dt { color: #666; }
.info dd { margin: 0; word-break: break-all; }
.info ol { margin: 4px 0 0; padding-left: 20px; }
.info li { margin-bottom: 4px; }
.info .source { display: block; color: #777; font-size: 12px; }
#details { border-top: 1px solid #ddd; padding-top: 8px; }
#details .hint { color: #888; font-size: 12px; }
#tooltip { position: absolute; z-index: 10; max-width: 360px; background: #fffef6; border: 1px solid #bbb;
  box-shadow: 2px 2px 8px rgba(0,0,0,.2); padding: 6px 8px; font-size: 13px; pointer-events: none; }
"""

# The page's behaviour. Text from the graph only ever goes into textContent.
PAGE_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var TYPE_NAME = {};
  DATA.types.forEach(function (t) { TYPE_NAME[t.key] = t.name; });
  var nodes = new vis.DataSet(DATA.nodes);
  var edges = new vis.DataSet(DATA.edges);
  var network = new vis.Network(document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, DATA.options);
  var typeOn = {};
  var boxes = document.querySelectorAll("#legend input[type=checkbox]");
  var countySelect = document.getElementById("county-filter");
  var status = document.getElementById("status");
  var toggle = document.getElementById("toggle-articles");
  var tooltip = document.getElementById("tooltip");
  var details = document.getElementById("details");
  var view = {network: network, nodes: nodes, edges: edges, stabilized: false, shown: 0};
  window.kgView = view;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function row(dl, term, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) { return; }
    dl.appendChild(el("dt", term));
    dl.appendChild(el("dd", Array.isArray(value) ? value.join("、") : value));
  }

  function fillInfo(target, id) {
    clear(target);
    var info = DATA.info[id];
    if (!info) { return; }
    target.appendChild(el("h2", info.name));
    var dl = el("dl");
    row(dl, "类型", TYPE_NAME[info.type] || info.type);
    if (info.type === "article") {
      row(dl, "体裁", info.articleKind);
      row(dl, "来源", info.source);
      row(dl, "记者", info.reporters);
      row(dl, "摄影", info.photographers);
      target.appendChild(dl);
      return;
    }
    row(dl, "别名", info.aliases);
    row(dl, "区划代码", info.code);
    row(dl, "机构类别", info.orgKind);
    target.appendChild(dl);
    if (info.evidence && info.evidence.length) {
      target.appendChild(el("p", "原文证据："));
      var list = el("ol");
      info.evidence.forEach(function (ev) {
        var item = el("li", ev.sentence);
        var where = "—— " + ev.source + (ev.headline ? "《" + ev.headline + "》" : "");
        item.appendChild(el("span", where, "source"));
        list.appendChild(item);
      });
      target.appendChild(list);
    }
  }

  function applyFilters() {
    var county = countySelect.value;
    var hidden = {};
    var shown = 0;
    var nodeUpdates = DATA.nodes.map(function (n) {
      var show = typeOn[n.kgType] && (!county || n.counties.indexOf(county) >= 0);
      hidden[n.id] = !show;
      if (show) { shown += 1; }
      return {id: n.id, hidden: !show};
    });
    nodes.update(nodeUpdates);
    edges.update(DATA.edges.map(function (e) { return {id: e.id, hidden: hidden[e.from] || hidden[e.to]}; }));
    view.shown = shown;
    status.textContent = "显示 " + shown + " / " + DATA.nodes.length + " 个节点" +
      (view.stabilized ? "" : "（正在布局…）");
    var onDemandShown = DATA.onDemand.every(function (t) { return typeOn[t]; });
    toggle.textContent = onDemandShown ? "隐藏文章与记者" : "显示文章与记者";
  }

  Array.prototype.forEach.call(boxes, function (box) {
    typeOn[box.getAttribute("data-type")] = box.checked;
    box.addEventListener("change", function () {
      typeOn[box.getAttribute("data-type")] = box.checked;
      applyFilters();
    });
  });
  function setType(type, on) {
    typeOn[type] = on;
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.getAttribute("data-type") === type) { box.checked = on; }
    });
  }
  toggle.addEventListener("click", function () {
    var on = !DATA.onDemand.every(function (t) { return typeOn[t]; });
    DATA.onDemand.forEach(function (t) { setType(t, on); });
    applyFilters();
  });
  countySelect.addEventListener("change", applyFilters);

  function showDetails(id) { fillInfo(details, id); }
  network.on("click", function (params) { if (params.nodes.length) { showDetails(params.nodes[0]); } });
  network.on("hoverNode", function (params) {
    fillInfo(tooltip, params.node);
    tooltip.style.left = (params.pointer.DOM.x + 14) + "px";
    tooltip.style.top = (params.pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });
  document.getElementById("mynetwork").addEventListener("mouseleave", function () { tooltip.hidden = true; });

  var names = document.getElementById("search-names");
  var seenNames = {};
  DATA.nodes.forEach(function (n) {
    var name = DATA.info[n.id].name;
    if (!seenNames[name]) {
      seenNames[name] = true;
      var option = document.createElement("option");
      option.value = name;
      names.appendChild(option);
    }
  });

  // Entities before stories: a name typed is more often an entity's than a headline's.
  var searchOrder = DATA.nodes.filter(function (n) { return n.kgType !== "article"; })
    .concat(DATA.nodes.filter(function (n) { return n.kgType === "article"; }));
  function findNode(query) {
    query = query.trim();
    if (!query) { return null; }
    var tests = [
      function (info) { return info.name === query; },
      function (info) { return (info.aliases || []).indexOf(query) >= 0; },
      function (info) { return info.name.indexOf(query) >= 0; },
      function (info) { return (info.aliases || []).some(function (a) { return a.indexOf(query) >= 0; }); }
    ];
    for (var t = 0; t < tests.length; t++) {
      for (var i = 0; i < searchOrder.length; i++) {
        if (tests[t](DATA.info[searchOrder[i].id])) { return searchOrder[i]; }
      }
    }
    return null;
  }
  function focusNode(query) {
    var message = document.getElementById("search-message");
    var found = findNode(query);
    if (!found) { message.textContent = "未找到：" + query; return null; }
    message.textContent = "";
    tooltip.hidden = true;
    if (nodes.get(found.id).hidden) {
      setType(found.kgType, true);
      if (countySelect.value && found.counties.indexOf(countySelect.value) < 0) { countySelect.value = ""; }
      applyFilters();
    }
    network.selectNodes([found.id]);
    network.focus(found.id, {scale: 1.3, animation: {duration: 300}});
    showDetails(found.id);
    return found.id;
  }
  view.focusNode = focusNode;
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    focusNode(document.getElementById("search").value);
  });

  function settled() {
    if (view.stabilized) { return; }
    view.stabilized = true;
    network.setOptions({physics: false});
    applyFilters();
  }
  network.once("stabilizationIterationsDone", settled);
  applyFilters();
  if (!DATA.nodes.length) { settled(); }
})();
"""
