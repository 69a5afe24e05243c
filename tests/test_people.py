"""Person finder: names in a title context; credited reporters are not persons."""
import pytest

from kg.extract.people import find_people
from kg.model import Article, Credit
from kg.normalize import normalize


def _people(body: str, credits=()):
    article = Article("t.txt", 0, "news", None, None, tuple(credits), 0, len(body), 0, len(body))
    return find_people(article, normalize(body), ())


def test_people_name_after_title():
    found = _people("县关工委副主任殷凤岭讲授了直播课，青年党员曹文豪分享故事。")
    assert [m.name for m in found] == ["殷凤岭", "曹文豪"]
    assert found[0].type == "person"


def test_people_name_before_personal_title():
    assert [m.name for m in _people("张三同志带头，李四总书记指出。")] == ["张三", "李四"]


def test_people_common_words_after_title_are_not_names():
    assert _people("实现第一书记全覆盖，党员和村民参与，书记管理制度。") == ()


def test_people_reporters_not_persons():
    body = "第一书记王五说，要办实事。"
    assert [m.name for m in _people(body)] == ["王五"]
    assert _people(body, [Credit("王五", "reporter", 0, 2)]) == ()


@pytest.mark.parametrize("sentence, name", [
    ("市委常委、组织部部长赵建国出席会议并讲话。", "赵建国"),
    ("由村党支部书记朱洪波带头，组建党员先锋队。", "朱洪波"),
])
def test_people_name_after_a_title_ends_at_a_reporting_verb(sentence, name):
    article = Article("x.txt", 0, "news", None, None, (), 0, len(sentence), 0, len(sentence))
    assert [m.name for m in find_people(article, normalize(sentence), ())] == [name]


def test_people_title_followed_by_a_verb_is_no_name():
    sentence = "组织部部长出席会议。"
    article = Article("x.txt", 0, "news", None, None, (), 0, len(sentence), 0, len(sentence))
    assert find_people(article, normalize(sentence), ()) == ()


def test_people_title_scan_agrees_with_a_lookahead_alternation():
    # `_title_starts` prefilters offsets; it must find what a lookahead of all titles finds
    import re

    from kg.extract.people import _patterns, _title_starts

    text = "第一书记张三、支部书记李四说，副书记王五同志和村民赵六、党员书记总书记主任委员。"
    for titles in (_patterns().before, _patterns().after):
        lookahead = re.compile("(?=(" + "|".join(map(re.escape, titles)) + "))")
        assert _title_starts(text, titles) == [(m.start(), m.group(1)) for m in lookahead.finditer(text)]


@pytest.mark.parametrize("sentence, name", [
    ("县委书记韩志强在会上要求，要抓好落实。", "韩志强"),
    ("村党支部书记孙红被评为优秀党务工作者。", "孙红"),
    ("市委常委、组织部部长郑立军到村调研时指出。", "郑立军"),
    ("镇党委书记冯涛率队走访企业。", "冯涛"),
    ("在村党支部书记吕国庆的带领下，村集体增收。", "吕国庆"),
    ("村委会主任邵明也在现场。", "邵明"),
])
def test_people_name_after_office_title_ends_at_a_function_word(sentence, name):
    assert [m.name for m in _people(sentence)] == [name]


@pytest.mark.parametrize("sentence", [
    "第一书记常年在村里工作。",
    "第一书记全部到位。",
    "书记和主任在一起办公。",
    "第一书记项目在村里落地。",
    "镇长高度重视。",
    # a plain role noun is followed by adverbs far more often than by names: no function-word end
    "党员时刻在一线。",
])
def test_people_words_after_office_title_are_no_names(sentence):
    assert _people(sentence) == ()


@pytest.mark.parametrize("sentence", [
    "省委组织部有关负责同志到县调研。",
    "相关处室同志参加座谈。",
    "许多同志表示赞同。",
    "全体同志参加会议。",
    "我们要向老同志学习。",
    "有关领导同志出席。",
])
def test_people_no_name_from_words_before_comrade(sentence):
    assert _people(sentence) == ()


def test_people_exemplary_figure_and_former_residence():
    assert [m.name for m in _people("学习革命烈士冯国栋，参观杨德昌故居。")] == ["冯国栋", "杨德昌"]
