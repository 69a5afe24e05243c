"""Whole-page checks on web copies of stories from other places (pages written for these tests,
not taken from the seeds): site menus, metadata lines, no dateline, cut mid-sentence."""
from pathlib import Path

import pytest

from kg.pipeline import build_page
from kg.read import read_page

WEB = Path(__file__).parent / "data" / "web"


def _facts(name):
    result = build_page(read_page(WEB / name))
    entities = {(m.type, m.name) for m in result.mentions}
    links = {(m.name, link.predicate, link.target_name) for m in result.mentions for link in m.links}
    return result, entities, links


def test_web_copies_site_menu_and_metadata_lines_are_not_headline():
    result, _, _ = _facts("wujiang_red_steward.txt")
    assert [a.headline for a in result.articles] == ["吴江区盛泽镇：“红色管家”激活小区治理新动能"]
    result, _, _ = _facts("lanling_grid.txt")
    assert [a.headline for a in result.articles] == ["兰陵县推行“党建+网格”治理模式 打通服务群众“最后一米”"]
    assert result.articles[0].reporters == ("刘洪涛", "张丽")


def test_web_copies_places_of_another_province_resolve_with_codes():
    result, entities, links = _facts("wujiang_red_steward.txt")
    assert {("county", "吴江区"), ("town", "盛泽镇")} <= entities
    assert ("盛泽镇", "locatedIn", "吴江区") in links
    assert dict(result.subjects)[0][0].name == "吴江区"
    codes = {m.name: m.code for m in result.mentions if m.code}
    assert codes["吴江区"].startswith("320509") and codes["盛泽镇"].startswith("320509")


@pytest.mark.parametrize("page, expected", [
    ("lanling_grid.txt", {("organization", "兰陵县委组织部"), ("organization", "兰陵县民政局"),
                          ("program", "四访四到位工作机制"), ("document", "兰陵县网格员管理办法"),
                          ("town", "卞庄街道"), ("town", "向城镇")}),
    ("wujiang_red_steward.txt", {("organization", "吴江区委组织部"), ("program", "红色服务联盟"),
                                 ("document", "关于深化红色物业建设的实施方案"), ("person", "李明华")}),
])
def test_web_copies_find_bodies_programs_and_documents(page, expected):
    _, entities, _ = _facts(page)
    assert expected <= entities


def test_web_copies_run_by_needs_the_organization_in_the_programs_sentence():
    _, _, links = _facts("wujiang_red_steward.txt")
    assert not [link for link in links if link[1] == "runBy"]


def test_web_copies_slogans_and_furniture_are_not_entities():
    _, entities, _ = _facts("lanling_grid.txt")
    names = {name for _, name in entities}
    assert "最后一米" not in names and "首页" not in names


def test_web_copies_story_without_a_place_belongs_to_the_papers_city():
    result, entities, links = _facts("linyi_print_page.txt")
    first = result.articles[0]
    assert first.dateline is None and first.reporters == ("孙明", "高伟")
    assert ("organization", "临沂市委组织部") in entities
    assert ("临沂市委组织部", "locatedIn", "临沂市") in links
    assert dict(result.subjects)[0][0].name == "临沂市"


def test_web_copies_photo_caption_credit_and_county_of_its_own():
    result, entities, _ = _facts("linyi_print_page.txt")
    photo = [a for a in result.articles if a.kind == "photo"]
    assert len(photo) == 1 and photo[0].photographers == ("李想",)
    assert dict(result.subjects)[photo[0].index][0].name == "平邑县"
    assert ("organization", "平邑县委组织部") in entities
