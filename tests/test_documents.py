"""find_documents on small synthetic stories written for these tests."""
import pytest

from kg.extract.documents import find_documents
from kg.model import Article, Link, Locality, Mention
from kg.normalize import compact, normalize

COUNTY = Locality("鱼台县", "济宁市", "山东省")
BASE = 50


def _run(body, organizations=()):
    page = "x" * BASE + body
    article = Article("p.txt", 0, "news", None, None, (), BASE, len(page), BASE, len(page))
    return page, find_documents(article, normalize(page[BASE:], base=BASE), COUNTY, organizations)


def _names(body):
    return [m.name for m in _run(body)[1]]


def test_documents_policy_title_found():
    assert _names("县委出台《关于加强村级组织建设的实施意见》，明确任务。") == ["关于加强村级组织建设的实施意见"]


def test_documents_back_reference_is_not_new():
    body = "县委出台《关于加强村级组织建设的实施意见》。《意见》提出，《实施办法》规定。"
    assert _names(body) == ["关于加强村级组织建设的实施意见"]


def test_documents_newspaper_and_film_rejected():
    assert _names("在《人民日报》刊发，组织观看电影《长津湖》和专题片《信仰的力量》。") == []


def test_documents_title_listed_with_a_document():
    names = _names("梳理《年度任务清单》《帮扶工作推进线》等。")
    assert names == ["年度任务清单", "帮扶工作推进线"]


def test_documents_spaces_removed_and_offsets_original():
    page, found = _run("印发《村干部 管理\n办法》。")
    m = found[0]
    assert m.name == "村干部管理办法"
    assert page[m.start:m.end] == "《村干部 管理\n办法》"


def test_documents_locality_and_issuer():
    body = "县委组织部印发《村干部管理办法》。"
    page = "x" * BASE + body
    start = page.index("县委组织部")
    org = Mention("p.txt", 0, "organization", "鱼台县委组织部", "县委组织部", start, start + 5, body)
    _, found = _run(body, organizations=(org,))
    assert Link("locality", "county", "鱼台县") in found[0].links
    assert Link("issuedBy", "organization", "鱼台县委组织部") in found[0].links


def test_documents_trailing_edition_note_kept_in_title():
    body = "县人社局印发《鱼台县青年人才引进奖补办法（试行）》和《村级公共服务事项清单（2023年版）》，《管理规定（暂行）》同步实施。《实施办法（试行）》明确范围。"
    assert _names(body) == ["鱼台县青年人才引进奖补办法(试行)", "村级公共服务事项清单(2023年版)", "管理规定(暂行)"]


def test_documents_bracket_that_is_no_edition_note_does_not_hide_head():
    assert _names("组织观看《初心（纪录片）》。") == []


@pytest.mark.parametrize("note", ["（2024—2028年）", "(2021-2025)", "（2024年度）"])
def test_documents_trailing_years_note_kept_in_title(note):
    title = f"某某县乡村振兴人才发展规划{note}"
    assert _names(f"县委组织部印发《{title}》，明确目标任务。") == [compact(title)]
