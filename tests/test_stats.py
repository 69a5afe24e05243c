"""Graph analytics (`kg stats`) over a small synthetic graph built through kg.rdf.to_graph."""
import csv
import io
import json

import networkx as nx
import pytest

from kg.export import stats as stats_module
from kg.export.stats import compute_stats, format_stats, plot_stats, program_kind
from kg.model import ENTITY_TYPES, Article, Credit, EntityKey, Link, Mention, Page, PageResult, Quantity
from kg.rdf import to_graph
from kg.relate import relate

CITY = ("city", "某市", "370000000000")
COUNTIES = {"东县": "370001000000", "西县": "370002000000", "南区": "370003000000"}


def place(name):
    return ("county", name, COUNTIES[name])


def located(type_, name, code=None):
    return Link("locatedIn", type_, name, code)


def launched(county):
    return Link("launchedIn", "county", county, COUNTIES[county])


# (type, name, links) per mention; names are made up, kinds chosen to fill the matrix.
EAST_TOWN_1 = ("town", "东一镇", (located("county", "东县"),))
EAST_TOWN_2 = ("town", "东二镇", (located("county", "东县"),))
WEST_TOWN = ("town", "西一镇", (located("county", "西县"),))
EAST_ORG = ("organization", "东县委组织部", (located("county", "东县"),))
WEST_ORG = ("organization", "西县民政局", (located("county", "西县"),))
CITY_ORG = ("organization", "某市委组织部", (located("city", "某市", CITY[2]),))
ACTION = ("program", "甲乙行动", (launched("东县"), Link("runBy", "organization", "东县委组织部")))
PROJECT = ("program", "戊己工程", (launched("东县"),))
SPECIAL_ACTION = ("program", "丙丁专项行动", (launched("西县"),))
MECHANISM = ("program", "联席机制", (launched("西县"),))
OTHER = ("program", "红色物业", (launched("南区"),))
UNPLACED_PLAN = ("program", "庚辛计划", ())


def county_mention(name):
    return ("county", name, (located("city", "某市", CITY[2]),))


# source -> articles: (about county, credits (name, role), mentions)
PAGES = {
    "p1.txt": (
        ("东县", (("王一", "reporter"),), (county_mention("东县"), EAST_TOWN_1, EAST_ORG, ACTION, PROJECT)),
        ("西县", (("王一", "reporter"), ("李二", "reporter")),
         (county_mention("西县"), WEST_TOWN, WEST_ORG, SPECIAL_ACTION, MECHANISM)),
    ),
    "p2.txt": (
        ("东县", (("王一", "photographer"),), (EAST_ORG, CITY_ORG, EAST_TOWN_2, ACTION)),
        ("南区", (("赵三", "reporter"),), (county_mention("南区"), OTHER, CITY_ORG, UNPLACED_PLAN)),
    ),
}


def page_result(source, specs):
    text, articles, mentions, subjects, quantities = "", [], [], [], []
    for index, (about, credits, found) in enumerate(specs):
        start = len(text)
        text += f"标题{index}。"
        credit_values = []
        for name, role in credits:
            credit_values.append(Credit(name, role, len(text), len(text) + len(name)))
            text += name + "，"
        for type_, name, links in found:
            code = COUNTIES.get(name) if type_ == "county" else None
            mentions.append(Mention(source, index, type_, name, name, len(text), len(text) + len(name), "句。",
                                    code, links))
            if name == "甲乙行动" and source == "p1.txt":
                quantities.append(Quantity(source, index, "12", "个", "支部", False, "12个", len(text), len(text) + 3,
                                           "句。", EntityKey("program", name)))
            text += name + "。"
        articles.append(Article(source, index, "news", f"标题{index}", None, tuple(credit_values),
                                start, len(text), start, len(text)))
        subjects.append((index, (EntityKey(*place(about)),)))
    return PageResult(Page(source, text), tuple(articles), tuple(mentions), tuple(subjects), tuple(quantities))


def synthetic_graph():
    return to_graph(relate([page_result(source, specs) for source, specs in PAGES.items()]))


@pytest.fixture(scope="module")
def graph():
    return synthetic_graph()


@pytest.fixture(scope="module")
def stats(graph):
    return compute_stats(graph, top=10)


def ranking(stats, type_, measure):
    return next(r for r in stats.rankings if r.type == type_ and r.measure == measure)


def test_stats_counts_each_type(stats):
    counts = dict(stats.counts)
    assert (counts["city"], counts["county"], counts["town"]) == (1, 3, 3)
    assert (counts["organization"], counts["program"], counts["reporter"]) == (3, 6, 3)
    assert (counts["article"], counts["quantity"]) == (4, 1)
    # 18 entity mentions plus 5 reporter credits, each a dj:Mention evidence record
    assert counts["mention"] == 23
    assert counts["triple"] > 0 and stats.errors == ()


def test_stats_ranks_by_degree_with_ties_by_label(stats):
    organizations = ranking(stats, "Organization", "degree").items
    # 东县委组织部: 2 articles + locatedIn + runBy; 某市委组织部: 2 articles + locatedIn
    assert [(r.label, r.value) for r in organizations] == [("东县委组织部", 4), ("某市委组织部", 3), ("西县民政局", 2)]
    programs = [r.label for r in ranking(stats, "Program", "degree").items]
    assert programs == ["甲乙行动", "丙丁专项行动", "戊己工程", "红色物业", "联席机制", "庚辛计划"]
    assert [r.label for r in ranking(stats, "Town", "degree").items] == ["东一镇", "东二镇", "西一镇"]


def test_stats_top_bounds_every_list(graph):
    small = compute_stats(graph, top=2)
    assert all(len(r.items) <= 2 for r in small.rankings)
    assert len(small.reporters) == 2 and len(small.communities) <= 2


def test_stats_betweenness_puts_the_bridge_first(stats):
    organizations = ranking(stats, "Organization", "betweenness").items
    # the city's committee is the only organization joining the 南区 story to the 东县 ones
    assert organizations[0].label == "某市委组织部"
    assert all(0.0 <= r.value <= 1.0 for r in organizations)


def test_stats_program_matrix_cells(stats):
    matrix = stats.programs
    assert matrix.kinds == ("行动", "工程", "机制", "计划", "其他")
    cells = {place: dict(zip(matrix.kinds, counts)) for place, counts in matrix.rows}
    assert [place for place, _ in matrix.rows] == ["东县", "西县", "南区"]  # division-code order
    assert (cells["东县"]["行动"], cells["东县"]["工程"], cells["东县"]["机制"]) == (1, 1, 0)
    assert (cells["西县"]["行动"], cells["西县"]["机制"]) == (1, 1)  # 专项行动 is an 行动
    assert cells["南区"]["其他"] == 1
    assert dict(zip(matrix.kinds, matrix.unplaced)) == {"行动": 0, "工程": 0, "机制": 0, "计划": 1, "其他": 0}


def test_stats_program_matrix_folds_rare_kinds_into_other(graph):
    matrix = compute_stats(graph, top=2).programs
    assert matrix.kinds == ("行动", "工程", "其他")
    cells = {place: dict(zip(matrix.kinds, counts)) for place, counts in matrix.rows}
    assert cells["西县"] == {"行动": 1, "工程": 0, "其他": 1}  # its 机制 is folded
    assert matrix.unplaced == (0, 0, 1)


@pytest.mark.parametrize("label, kind", [
    ("四联四助行动", "行动"), ("某某专项行动", "行动"), ("六小工作法", "工作法"), ("人才安居工程", "工程"),
    ("红色物业", "其他"), ("“双报到”", "其他"), ("党员积分制度”", "制度"),
])
def test_stats_program_kind_is_the_shortest_head(label, kind):
    assert program_kind(label, ("行动", "专项行动", "工作法", "工程", "制度")) == kind


def test_stats_reporters_articles_and_counties(stats):
    loads = [(r.name, r.articles, r.counties) for r in stats.reporters]
    assert loads == [("王一", 3, ("东县", "西县")), ("李二", 1, ("西县",)), ("赵三", 1, ("南区",))]


def test_stats_communities_cover_entities_with_a_county(stats):
    counts = dict(stats.counts)
    entities = sum(counts[t] for t in ENTITY_TYPES if t != "reporter")  # credits stay out of the entity graph
    assert sum(c.size for c in stats.communities) == entities
    assert stats.community_count == len(stats.communities) >= 2
    east = next(c for c in stats.communities if "甲乙行动" in c.members or "东县委组织部" in c.members)
    assert east.county == "东县"


@pytest.mark.parametrize("target, analysis", [
    ("louvain_communities", "communities"), ("betweenness_centrality", "betweenness")])
def test_stats_failing_analysis_keeps_the_others(graph, monkeypatch, target, analysis):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    owner = nx.community if target == "louvain_communities" else nx
    monkeypatch.setattr(owner, target, boom)
    failed = compute_stats(graph)
    assert failed.errors == ((analysis, "RuntimeError: boom"),)
    assert ranking(failed, "Organization", "degree").items[0].label == "东县委组织部"
    assert failed.programs is not None and failed.reporters and failed.counts
    if analysis == "communities":
        assert failed.communities == () and any(r.measure == "betweenness" for r in failed.rankings)
    else:
        assert failed.communities and not any(r.measure == "betweenness" for r in failed.rankings)
    assert "RuntimeError: boom" in format_stats(failed, "md")


def test_stats_same_graph_same_text():
    first, second = compute_stats(synthetic_graph()), compute_stats(synthetic_graph())
    for fmt in ("md", "csv", "json"):
        assert format_stats(first, fmt) == format_stats(second, fmt)


def test_stats_markdown_tables(stats):
    text = format_stats(stats, "md")
    section = text.split("## 区县 × 项目类型")[1].split("##")[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines() if line.startswith("|")]
    assert rows[0] == ["区县 place", "行动", "工程", "机制", "计划", "其他", "合计 total"]
    assert rows[2] == ["东县", "1", "1", "0", "0", "0", "2"]
    assert rows[-1] == ["（未注明）", "0", "0", "0", "1", "0", "1"]
    assert "| 王一" in text and "东县、西县" in text


def test_stats_csv_blocks_parse(stats):
    blocks = {}
    for block in format_stats(stats, "csv").split("\n\n"):
        name, _, body = block.partition("\n")
        assert name.startswith("# ")
        blocks[name[2:]] = list(csv.reader(io.StringIO(body)))
    assert {"counts", "program_kinds", "reporters", "communities", "top_organization_by_degree"} <= set(blocks)
    assert blocks["reporters"][1] == ["王一", "3", "2", "东县、西县"]
    assert blocks["top_program_by_degree"][:2] == [["rank", "名称 name", "度数 degree"], ["1", "甲乙行动", "4"]]


def test_stats_json_round_trips(stats):
    data = json.loads(format_stats(stats, "json"))
    assert data["programs"]["kinds"] == ["行动", "工程", "机制", "计划", "其他"]
    assert data["reporters"][0] == {"name": "王一", "articles": 3, "counties": ["东县", "西县"]}
    assert data["errors"] == []


def test_stats_unknown_format_is_refused(stats):
    with pytest.raises(stats_module.StatsError):
        format_stats(stats, "xml")


@pytest.mark.parametrize("font", ["installed", None])
def test_stats_plot_writes_png(stats, tmp_path, monkeypatch, font):
    pytest.importorskip("matplotlib")
    if font is None:  # no CJK font: boxes instead of characters, but a picture all the same
        monkeypatch.setattr(stats_module, "cjk_font", lambda: None)
    path = tmp_path / "stats.png"
    plot_stats(stats, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stats_plot_without_matplotlib_says_how_to_install(stats, tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    with pytest.raises(stats_module.StatsError, match=r"pip install"):
        plot_stats(stats, tmp_path / "stats.png")
    assert not (tmp_path / "stats.png").exists()
