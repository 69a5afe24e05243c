"""The competency questions of ontology/queries/ answered on the seed build.

Each expected row was checked against the page text it comes from (quoted in the comment).
"""

import pytest

from conftest import ROOT
from kg.query import load_graph, read_query, run_query

QUERIES = ROOT / "ontology" / "queries"


@pytest.fixture(scope="module")
def seed_graph():
    return load_graph(ROOT / "out" / "graph.ttl")


def _rows(graph, name):
    answer = run_query(graph, read_query(str(QUERIES / f"{name}.rq")))
    return answer.variables, set(answer.rows)


def test_competency_every_query_says_what_it_answers_and_has_answers(seed_graph):
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 12
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and "?" in first, path.name
        assert _rows(seed_graph, path.stem)[1], f"{path.name} has no answer on the seeds"


EXPECTED = [
    # 000, 梁山 story: "探索实行双向列席制度"; 太白湖新区 story: "…的“五关爱”活动"
    ("01_programs_by_county", ("梁山县", "双向列席制度")),
    ("01_programs_by_county", ("济宁太白湖新区", "五关爱活动")),
    # 000, 任城 story: "济宁职业技术学院在唐口街道梁南村成立实训基地"
    ("02_towns_and_villages_of_county", ("任城区", "唐口街道", "梁南村", "village")),
    # 001: "曲阜市金徽传统文化发展基金会儒源党建“123”工程"
    ("03_organizations_running_programs", ("曲阜市金徽传统文化发展基金会", "儒源党建123工程")),
    # 004, 汶上 story: "县市场监管局在联建的西和小区开展“食品安全宣传周”系列活动"
    ("03_organizations_running_programs", ("汶上县市场监管局", "食品安全宣传周系列活动")),
    # 000: "本报梁山讯（通讯员 陈昌涛）"
    ("04_reporters_by_county", ("陈昌涛", "梁山县", "1")),
    # 004, 金乡 story: "县关工委副主任殷凤岭讲授了…直播课"
    ("08_people_and_organizations", ("殷凤岭", "金乡县关工委")),
    # 000, 鱼台 story: "县委、县政府…制定出台了《关于加强干部正向激励的意见》"
    ("09_documents_by_locality", ("鱼台县", "关于加强干部正向激励的意见")),
    # 000: "本报曲阜讯（通讯员 陈彭飞）", headline "构建基层党建标准化体系"
    ("11_articles_about_county", ("曲阜市", "news", "构建基层党建标准化体系", "000_b7553062b986840f.txt")),
    # 000, 任城 story: "区考核办、区总工会驻安居街道东李村第一书记…"
    ("12_organizations_by_locality", ("任城区", "任城区总工会")),
    # official divisions: 尼山镇 370881105000 of 曲阜市, 济宁市, 山东省
    ("13_place_hierarchy", ("尼山镇", "370881105000", "曲阜市", "济宁市", "山东省")),
    ("14_co_mentioned_organizations", ("任城区总工会", "任城区考核办", "1")),
]


@pytest.mark.parametrize("query, row", EXPECTED, ids=[f"{q}-{r[0]}" for q, r in EXPECTED])
def test_competency_answer_holds_the_row_read_from_the_page(seed_graph, query, row):
    variables, rows = _rows(seed_graph, query)
    width = len(row)
    assert row in {r[:width] for r in rows}, f"{query}: {row} not among {len(rows)} rows"


def test_competency_quantities_of_a_county_with_their_sentence(seed_graph):
    # 000, 梁山 story: "以管区为单位分设 61 个乡镇机关党支部"
    _, rows = _rows(seed_graph, "07_quantities_by_county")
    hits = [r for r in rows if r[0] == "梁山县" and r[3] == "乡镇机关党支部" and float(r[1]) == 61]
    assert hits and "分设61个乡镇机关党支部" in hits[0][5]


def test_competency_organization_evidence_points_at_its_sentence(seed_graph):
    # 000, 鱼台 story: "县委组织部出台《关于在全县重点工作一线考察识别干部的实施意见》"
    _, rows = _rows(seed_graph, "05_organization_evidence")
    sentences = [r[4] for r in rows if r[0] == "鱼台县委组织部"]
    assert any("县委组织部出台《关于在全县重点工作一线考察识别干部的实施意见》" in s for s in sentences)


def test_competency_counties_sharing_a_program_kind_are_ordered_pairs(seed_graph):
    _, rows = _rows(seed_graph, "06_counties_sharing_program_kind")
    assert rows and all(a < b for _, a, b in rows)
    # 梁山 (000): "探索实行双向列席制度"; 嘉祥 (004): "深化党员干部常态化联系服务群众制度"
    assert ("制度", "嘉祥县", "梁山县") in rows


def test_competency_most_connected_organizations_are_ranked(seed_graph):
    answer = run_query(seed_graph, read_query(str(QUERIES / "10_most_connected_organizations.rq")))
    counts = [int(r[1]) for r in answer.rows]
    assert counts == sorted(counts, reverse=True) and len(counts) == 10
