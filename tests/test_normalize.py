from hypothesis import given, strategies as st

from kg.normalize import compact, normalize

# Text shaped like a printed page: Chinese, ASCII, full-width forms, spaces and line breaks.
page_text = st.text(
    alphabet=st.sampled_from(list("党建工作梁山县镇村“”（）()，。、 \n\u3000\t０１２ABab12\ufffd")),
    max_size=200,
)


def test_normalize_joins_words_broken_across_lines():
    assert normalize("乡村振\n兴").text == "乡村振兴"
    assert normalize("党\n\n建").text == "党建"


def test_normalize_drops_stray_spaces_inside_chinese_runs():
    assert normalize("成立 2 个镇").text == "成立2个镇"


def test_normalize_keeps_one_space_between_ascii_words():
    assert normalize("Party  building APP 客户端").text == "Party building APP客户端"


def test_normalize_folds_full_width_forms_for_matching_but_keeps_them_printed():
    n = normalize("（通讯员　陈某）２０２１")
    assert n.text == "(通讯员陈某)2021"
    assert n.printed == "（通讯员陈某）２０２１"


def test_normalize_span_points_back_into_original_text():
    original = "本报梁山讯（通讯员 陈昌涛）为有效破\n解乡镇"
    n = normalize(original, base=100)
    start = n.text.index("破解")
    s, e = n.span(start, start + 2)
    assert (s, e) == (100 + original.index("破"), 100 + original.index("解") + 1)


def test_normalize_sentence_is_the_printed_sentence_around_a_match():
    n = normalize("第一句。 县委组织部\n出台办法；第三句")
    i = n.text.index("组织部")
    assert n.sentence(i, i + 3) == "县委组织部出台办法；"


def test_normalize_compact_removes_whitespace():
    assert compact("泗水完善 \n工作体系") == "泗水完善工作体系"


@given(page_text)
def test_normalize_origin_points_at_the_original_characters(text):
    n = normalize(text)
    assert len(n.text) == len(n.origin) == len(n.printed)
    assert list(n.origin) == sorted(set(n.origin))
    for ch, printed, at in zip(n.text, n.printed, n.origin):
        if ch == " ":
            assert text[at].isspace() or text[at] in "\u3000\ufffd"
        else:
            assert text[at] == printed


@given(page_text)
def test_normalize_is_idempotent(text):
    once = normalize(text).text
    assert normalize(once).text == once
