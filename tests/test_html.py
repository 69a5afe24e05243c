"""The HTML view: offline, escaped, deterministic, and drawing what the graph holds."""
import json
import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg.errors import KgError
from kg.export.html import render_html, write_html
from kg.model import Article, Credit, EntityKey, Link, Mention, Page, PageResult
from kg.rdf import entity_iri, to_graph
from kg.relate import relate
from kg.vocab import CLASS_OF_TYPE, DJ

ATTACK = "<script>alert(1)</script>"
PROGRAM = f"{ATTACK}行动"
LIANGSHAN = EntityKey("county", "梁山县", "370832000000")
JIAXIANG = EntityKey("county", "嘉祥县", "370829000000")
JINING = Link("locatedIn", "city", "济宁市", "370800000000")

TEXT_A = ("本报梁山讯（通讯员 甲乙丙）梁山县馆驿镇开展“" + ATTACK + "”行动。"
          "</script>梁山县委组织部主办。")
TEXT_B = "本报嘉祥讯 嘉祥县纸坊镇王某某当选。"


def _mention(source, text, sentence, type_, name, surface, code=None, links=(), occurrence=0):
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(surface, at + 1)
    return Mention(source, 0, type_, name, surface, at, at + len(surface), sentence, code, links)


def _page_a() -> PageResult:
    text = TEXT_A
    credit_at = text.index("甲乙丙")
    article = Article("a.txt", 0, "news", "标题" + ATTACK, "梁山", (Credit("甲乙丙", "reporter", credit_at, credit_at + 3),),
                      0, len(text), text.index("）") + 1, len(text))
    first = "梁山县馆驿镇开展“" + ATTACK + "”行动。"
    second = "</script>梁山县委组织部主办。"

    def m(*args, **kw):
        return _mention("a.txt", text, *args, **kw)

    mentions = (
        m(first, "county", "梁山县", "梁山县", "370832000000", (JINING,)),
        m(first, "town", "馆驿镇", "馆驿镇", "370832104000", (Link("locatedIn", "county", "梁山县"),)),
        m(first, "program", PROGRAM, "“" + ATTACK + "”行动",
          links=(Link("launchedIn", "county", "梁山县"), Link("runBy", "organization", "梁山县委组织部"))),
        m(second, "organization", "梁山县委组织部", "梁山县委组织部", links=(Link("locatedIn", "county", "梁山县"),)),
    )
    return PageResult(Page("a.txt", text), (article,), mentions, ((0, (LIANGSHAN,)),))


def _page_b() -> PageResult:
    text = TEXT_B
    article = Article("b.txt", 0, "news", "嘉祥新闻", "嘉祥", (), 0, len(text), text.index("讯") + 2, len(text))
    sentence = text[text.index("嘉祥县"):]

    def m(*args, **kw):
        return _mention("b.txt", text, *args, **kw)

    mentions = (
        m(sentence, "county", "嘉祥县", "嘉祥县", "370829000000", (JINING,)),
        m(sentence, "town", "纸坊镇", "纸坊镇", "370829102000", (Link("locatedIn", "county", "嘉祥县"),)),
        m(sentence, "person", "王某某", "王某某"),
    )
    return PageResult(Page("b.txt", text), (article,), mentions, ((0, (JIAXIANG,)),))


def build_graph():
    """Two small pages: one with script tags in a name and in sentences, one of another county."""
    return to_graph(relate([_page_a(), _page_b()]))


def _payload(page: str) -> dict:
    found = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the page embeds its data"
    return json.loads(found.group(1))


def _iri(type_, name, code=None) -> str:
    return str(entity_iri(EntityKey(type_, name, code)))


def _entity_ids(graph) -> set[str]:
    return {str(s) for cls in CLASS_OF_TYPE.values() for s in graph.subjects(RDF.type, cls)}


@pytest.fixture(scope="module")
def graph():
    return build_graph()


@pytest.fixture(scope="module")
def page(graph):
    return render_html(graph, "测试版面 <b>粗</b>")


def test_html_references_nothing_on_the_network(page):
    remote = re.findall(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
                        page, re.I)
    assert remote == []
    assert re.search(r"<script\b[^>]*\bsrc=", page) is None  # every script is inline
    assert "sourceMappingURL" not in page
    assert "vis.Network" in page and "vis-network" in page  # the library itself is inlined


def test_html_never_leaves_script_text_unescaped(page):
    assert ATTACK not in page
    # Only the page's own three script elements (data, vis-network, behaviour) are ever closed.
    assert page.count("</script>") == 3
    assert "<!--" not in page  # would change how a browser finds the end of a script
    assert "测试版面 &lt;b&gt;粗&lt;/b&gt;" in page
    assert "<b>粗" not in page
    data = _payload(page)
    assert data["info"][_iri("program", PROGRAM)]["name"] == PROGRAM
    sentences = {ev["sentence"] for info in data["info"].values() for ev in info.get("evidence", [])}
    assert "</script>梁山县委组织部主办。" in sentences


def test_html_nodes_carry_no_vis_title_rendered_as_html(page):
    data = _payload(page)
    assert all("title" not in node for node in data["nodes"] + data["edges"])


def test_html_same_graph_gives_identical_page():
    assert render_html(build_graph(), "版面") == render_html(build_graph(), "版面")


def test_html_embedded_nodes_are_the_graph_entities_and_articles(graph, page):
    data = _payload(page)
    ids = {n["id"] for n in data["nodes"]}
    entities = _entity_ids(graph)
    articles = {str(a) for a in graph.subjects(RDF.type, DJ.Article)}
    assert len(entities) == 9 and len(articles) == 2
    assert ids == entities | articles
    hidden = {n["id"] for n in data["nodes"] if n["hidden"]}
    assert hidden == articles | {_iri("reporter", "甲乙丙")}
    assert len(data["nodes"]) == len(ids)


def test_html_labels_are_canonical_names_and_edges_chinese(page):
    data = _payload(page)
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[_iri("county", "梁山县", "370832000000")]["label"] == "梁山县"
    labels = {(e["from"], e["label"], e["to"]) for e in data["edges"]}
    org, program = _iri("organization", "梁山县委组织部"), _iri("program", PROGRAM)
    county = _iri("county", "梁山县", "370832000000")
    assert (org, "主办", program) in labels  # drawn from the body to what it runs
    assert (program, "发起于", county) in labels
    assert (_iri("town", "馆驿镇", "370832104000"), "位于", county) in labels
    assert {e["label"] for e in data["edges"]} == {"位于", "发起于", "主办", "报道", "涉及"}


def test_html_legend_search_and_filters_present(page):
    assert 'id="legend"' in page and 'id="search"' in page and 'id="county-filter"' in page
    for name in ("县（市、区）", "组织机构", "活动与品牌", "记者", "文章"):
        assert name in page
    assert "显示文章与记者" in page
    assert ">a.txt</li>" in page and ">b.txt</li>" in page


def test_html_tooltip_shows_type_aliases_code_and_evidence(page):
    info = _payload(page)["info"]
    program = info[_iri("program", PROGRAM)]
    assert program["aliases"] == ["“" + ATTACK + "”行动"]
    assert program["evidence"][0]["source"] == "a.txt"
    assert program["evidence"][0]["sentence"].startswith("梁山县馆驿镇开展")
    assert info[_iri("county", "梁山县", "370832000000")]["code"] == "370832000000"
    assert all(len(i.get("evidence", [])) <= 3 for i in info.values())


def test_html_county_filter_follows_located_in_chains(page):
    nodes = {n["id"]: n for n in _payload(page)["nodes"]}
    liangshan, jiaxiang = _iri("county", "梁山县", "370832000000"), _iri("county", "嘉祥县", "370829000000")
    assert nodes[_iri("town", "馆驿镇", "370832104000")]["counties"] == [liangshan]
    assert nodes[_iri("program", PROGRAM)]["counties"] == [liangshan]
    assert nodes[_iri("town", "纸坊镇", "370829102000")]["counties"] == [jiaxiang]
    assert nodes[_iri("city", "济宁市", "370800000000")]["counties"] == []
    assert nodes[_iri("reporter", "甲乙丙")]["counties"] == [liangshan]  # through the story they wrote
    assert f'<option value="{liangshan}">梁山县</option>' in page


def test_html_focus_draws_only_the_neighbourhood(graph):
    town = _iri("town", "馆驿镇", "370832104000")
    one_hop = {n["id"] for n in _payload(render_html(graph, "t", focus="馆驿镇", hops=1))["nodes"]}
    article_a = {str(a) for a in graph.subjects(DJ.sourceFile, Literal("a.txt"))}
    assert one_hop == {town, _iri("county", "梁山县", "370832000000")} | article_a
    assert {n["id"] for n in _payload(render_html(graph, "t", focus="馆驿镇", hops=0))["nodes"]} == {town}
    wide = _payload(render_html(graph, "t", focus="馆驿镇", hops=2))["nodes"]
    assert _iri("town", "纸坊镇", "370829102000") not in {n["id"] for n in wide}
    assert not any(n["hidden"] for n in wide)  # a focused view shows its stories from the start


def test_html_focus_does_not_walk_through_the_city_into_other_counties(graph):
    nodes = {n["id"] for n in _payload(render_html(graph, "t", focus="梁山县", hops=3))["nodes"]}
    assert _iri("city", "济宁市", "370800000000") in nodes
    assert _iri("county", "嘉祥县", "370829000000") not in nodes
    whole_city = {n["id"] for n in _payload(render_html(graph, "t", focus="济宁市", hops=1))["nodes"]}
    assert _iri("county", "嘉祥县", "370829000000") in whole_city


def test_html_focus_on_unknown_name_is_a_user_error(graph):
    with pytest.raises(KgError):
        render_html(graph, "t", focus="不存在的名称")


def test_html_write_replaces_the_file_whole(graph, tmp_path):
    target = tmp_path / "view.html"
    target.write_text("old", encoding="utf-8")
    write_html(graph, target, "版面")
    assert target.read_text(encoding="utf-8") == render_html(graph, "版面")
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]


def test_html_node_without_an_entity_class_is_not_drawn(graph):
    extra = build_graph()
    stray = URIRef(_iri("program", "游离"))
    extra.add((stray, RDFS.label, Literal("游离", lang="zh")))  # labelled, but of no entity class
    ids = {n["id"] for n in _payload(render_html(extra, "t"))["nodes"]}
    assert str(stray) not in ids
    assert len(ids) == len(_entity_ids(graph)) + 2
