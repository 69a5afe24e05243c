import pytest

from kg.extract.quantities import find_quantities
from kg.model import Article, EntityKey, Locality, Mention
from kg.normalize import normalize

LOCALITY = Locality("梁山县", "济宁市", "山东省")


def _find(body, mentions=()):
    text = "本报梁山讯（通讯员 甲）" + body
    article = Article("p.txt", 0, "news", None, "梁山", (), 0, len(text), text.index("）") + 1, len(text))
    return text, find_quantities(article, normalize(text), LOCALITY, tuple(mentions))


@pytest.mark.parametrize(
    "body, value, unit, counts, approximate",
    [
        ("分设 61\n个乡镇机关党支部。", "61", "个", "乡镇机关党支部", False),
        ("选派2250余名民情书记。", "2250", "名", "民情书记", True),
        ("协调资金 160 万元，新建水渠。", "1600000", "元", "资金", False),
        ("培训村民 203\n人。", "203", "人", "村民", False),
        ("服务近 1.5万人次。", "15000", "人次", "服务", True),
    ],
)
def test_quantities_value_unit_counted_and_approximation(body, value, unit, counts, approximate):
    text, found = _find(body)
    assert len(found) == 1
    q = found[0]
    assert (q.value, q.unit, q.counts, q.approximate) == (value, unit, counts, approximate)
    assert text[q.start:q.end].replace(" ", "").replace("\n", "") == q.text.replace(" ", "")


def test_quantities_dates_are_not_figures():
    _, found = _find("2021年7月以来，工作扎实。")
    assert found == ()


def test_quantities_attach_to_the_program_of_the_sentence():
    text, _ = _find("实施“红色物业”工程，建成 12 个驿站。")
    at = text.index("“红色物业”工程")
    program = Mention("p.txt", 0, "program", "红色物业工程", "“红色物业”工程", at, at + 8, "")
    _, found = _find("实施“红色物业”工程，建成 12 个驿站。", [program])
    assert found[0].of == EntityKey("program", "红色物业工程")


def test_quantities_fall_back_to_the_story_county():
    _, found = _find("建成 12 个驿站。")
    assert found[0].of == EntityKey("county", "梁山县")


@pytest.mark.parametrize(
    "body, counts",
    [
        ("新建5个社区离退休干部党支部，规范运行。", "社区离退休干部党支部"),
        ("已有21名返乡人才进入村干部队伍。", "返乡人才"),
        ("77个第一书记村增加了集体收入。", "第一书记村"),
        ("最高可获2000万元资金扶持。", None),
    ],
)
def test_quantities_counted_phrase_stops_at_the_verb(body, counts):
    _, found = _find(body)
    assert found[0].counts == counts


def test_quantities_approximation_after_the_unit():
    _, found = _find("以200户左右群众为一个网格。")
    assert (found[0].value, found[0].approximate, found[0].counts) == ("200", True, "群众")


def test_quantities_counted_phrase_keeps_nouns_that_contain_verb_characters():
    _, found = _find("全县129个驻社区单位党组织结合部门职责开展服务。")
    assert found[0].counts is None or found[0].counts.startswith("驻社区单位党组织")


@pytest.mark.parametrize("body, counts", [
    ("整合38个市直部门共1300余人担任专业网格员。", "市直部门"),
    ("可在5个方面运用容错结果。", "方面"),
    ("按照每人不超过20户的原则划分。", None),
])
def test_quantities_counted_phrase_leaves_out_totals_verbs_and_negation(body, counts):
    _, found = _find(body)
    assert found[0].counts == counts


def test_quantities_at_least_and_at_most_are_approximate():
    _, found = _find("组织委员每季度走访调研不少于1次。")
    assert (found[0].value, found[0].unit, found[0].approximate) == ("1", "次", True)


def test_quantities_figure_scan_agrees_with_finditer():
    # `_figures` tries the figure pattern only where a figure can start; it must find what
    # `finditer` finds, markers before the number included
    from kg.extract.quantities import _figures, _rules

    pattern, starts, _, _ = _rules()
    text = "近100个村、约2.5万元、12345人次，3.5亩和超过20名党员、不少于1.2.3个、7%左右，20余户以上"
    for pos in (0, 1, 5):
        assert [m.span() for m in _figures(pattern, starts, text, pos)] == \
            [m.span() for m in pattern.finditer(text, pos)]
