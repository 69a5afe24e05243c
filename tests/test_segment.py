import json

import pytest
from hypothesis import given, settings, strategies as st

from conftest import ROOT, SHARED_EVAL
from kg.model import Page
from kg.segment import segment

BODY = "全县开展主题活动，推动工作落实。\n"


def seg(text: str):
    return segment(Page("t.txt", text))


def names(article):
    return list(article.reporters) + list(article.photographers)


def test_segment_empty_text_gives_no_article():
    assert seg("") == ()
    assert seg(" \n\n\u3000\n") == ()


@pytest.mark.parametrize("dateline, place, people", [
    ("本报甲乙讯（通讯员 张小明）", "甲乙", ["张小明"]),
    ("本报甲乙讯 (通讯员 张小明 李华)", "甲乙", ["张小明", "李华"]),
    ("本报甲 乙讯（记者 王一 通讯员 陈二 张三）", "甲乙", ["王一", "陈二", "张三"]),
    ("本报甲乙讯(通讯员：王二、李三)", "甲乙", ["王二", "李三"]),
    ("本报讯（记者 王一）", None, ["王一"]),
])
def test_segment_dateline_variants(dateline, place, people):
    (art,) = seg(dateline + BODY)
    assert (art.kind, art.dateline, names(art)) == ("news", place, people)
    assert art.body_start == len(dateline)


def test_segment_credit_offsets_point_at_the_names():
    text = "本报甲乙讯（通讯员 周某某 范长\n青）" + BODY
    (art,) = seg(text)
    assert [c.name for c in art.credits] == ["周某某", "范长青"]  # a name cut by a line break is one name
    first, second = art.credits
    assert text[first.start:first.end] == "周某某"
    assert text[second.start:second.end] == "范长\n青"


@pytest.mark.parametrize("credit, people", [
    ("（通讯员 周某某 孟\n某瑞）", ["周某某", "孟某瑞"]),  # a piece before the break joins the name after it
    ("（通讯员 田某 郭\n某）", ["田某", "郭某"]),
    ("（通讯员 郭\n某 田某）", ["郭某", "田某"]),
    ("（通讯员 周某某 范某\n青）", ["周某某", "范某青"]),  # a piece after the break joins the name before it
])
def test_segment_credit_name_broken_by_a_line_break_never_joins_across_a_space(credit, people):
    (art,) = seg("本报甲乙讯" + credit + BODY)
    assert names(art) == people


def test_segment_credit_pieces_separated_by_a_space_stay_apart():
    (art,) = seg("本报甲乙讯（通讯员 周某某 孟 李某某）" + BODY)
    assert names(art) == ["周某某", "李某某"]  # a lone character between two spaces is no name of its own


def test_segment_unclosed_bracket_still_credits_the_names():
    (art,) = seg("本报甲乙讯（通讯员 张小明 李华为破解难题，全县开展活动。")
    assert art.reporters == ("张小明", "李华")
    assert art.dateline == "甲乙"


def test_segment_dateline_with_no_bracket_at_all():
    (art,) = seg("本报甲乙讯 全县开展主题活动，推动工作落实。")
    assert (art.dateline, art.credits) == ("甲乙", ())


def test_segment_headline_before_dateline_with_place_label_and_kicker():
    text = ("甲乙\n\n“三抓三提”提升\n乡镇机关党建水平\n\n本报甲乙讯（通讯员 陈某）为破\n解难题。\n\n"
            "改进方法 凝聚合力 重点突破\n\n丙丁坚持实干实效\n本报丙丁讯（通讯员 谢某 卢林）新\n\n一轮工作开展以来，成效明显。")
    first, second = seg(text)
    assert first.headline == "“三抓三提”提升乡镇机关党建水平"
    assert text[first.start:].startswith("甲乙\n")  # the place label is inside the span, not in the headline
    assert second.headline == "丙丁坚持实干实效"
    assert text[second.start:].startswith("改进方法")
    assert first.end <= second.start


def test_segment_county_short_form_over_a_headline_is_its_label():
    text = ("平阴\n平阴县中医院\n“暖心陪诊”服务群众就医\n\n■本报通讯员 王某 李某某\n\n"
            "平阴县中医院党委开展活动，方便群众就医。\n")
    (art,) = seg(text)
    assert art.headline == "平阴县中医院“暖心陪诊”服务群众就医"  # the label never enters the headline
    assert text[art.start:].startswith("平阴\n")


def test_segment_headline_printed_after_body():
    text = ("本报甲乙讯（通讯员 王某）为充分调动积极性，推\n动工作。\n\n甲乙念好四字经\n力促第一书记“争一流”\n\n"
            "本报丙丁讯（通讯员 李某 赵某）今年以来，丙丁\n市开展活动。\n\n丙丁市\n\n丙丁实行“两榜制”\n让班子履职管理\n\n“有理有据”\n")
    first, second = seg(text)
    assert first.headline == "甲乙念好四字经 力促第一书记“争一流”"
    assert second.headline == "丙丁实行“两榜制” 让班子履职管理“有理有据”"
    assert text[first.start:].startswith("本报甲乙讯")
    assert text[:first.end].endswith("“争一流”")
    assert text[:second.end].endswith("“有理有据”")


def test_segment_layout_follows_the_places_the_headlines_name():
    # the page is cut before its last headline: the headlines still name the story before them
    text = ("本报甲乙讯（通讯员 王某）" + BODY + "\n甲乙建强支部\n\n本报丙丁讯（通讯员 李某）" + BODY +
            "\n丙丁深化改革\n\n本报戊己讯（通讯员 赵某）" + BODY)
    assert [a.headline for a in seg(text)] == ["甲乙建强支部", "丙丁深化改革", None]


@pytest.mark.parametrize("lines, joined", [
    (["泗水完善工作体系", "提升党员教育实效"], "泗水完善工作体系 提升党员教育实效"),
    (["微山民情书记", "“三张清单”连民心解难题"], "微山民情书记“三张清单”连民心解难题"),
    (["“三抓三提”提升", "乡镇机关党建水平"], "“三抓三提”提升乡镇机关党建水平"),
    (["网格聚能 一网统筹", "激发基层治理新活力"], "网格聚能 一网统筹 激发基层治理新活力"),
])
def test_segment_two_line_headline_joining(lines, joined):
    text = "\n".join(lines) + "\n本报甲乙讯（通讯员 王某）" + BODY
    assert seg(text)[0].headline == joined


def test_segment_headline_drops_stray_spaces_next_to_digits():
    (art,) = seg("出台“人才新政 28条”\n本报甲乙讯（通讯员 王某）" + BODY)
    assert art.headline == "出台“人才新政28条”"


def test_segment_photo_caption_credit():
    text = ("本报甲乙讯（通讯员 王某）" + BODY + "\n"
            "全县党员开展志愿服务活动，帮助群众解决\n难题。 ■通讯员 邓某某 摄\n\n"
            "为深化学习教育，近期\n社区组织党员开展活动。\n\n■通讯员 孔某\n张某 摄\n")
    news, photo1, photo2 = seg(text)
    assert (photo1.kind, photo1.headline, photo1.photographers) == ("photo", None, ("邓某某",))
    assert text[photo1.body_start:photo1.body_end].startswith("全县党员开展")
    assert text[photo1.body_start:photo1.body_end].endswith("难题。")
    assert photo2.photographers == ("孔某", "张某")  # two names on two lines stay two names
    assert text[photo2.body_start:photo2.body_end].startswith("为深化学习教育")
    assert news.end <= photo1.start


def test_segment_byline_feature():
    text = ("乡村振兴先锋\n\n一线帮扶解民困 为民服务暖民心\n\n——某县下派帮扶工作纪实\n\n"
            "■本报通讯员 戈某某 李某某 崔某\n\n自2019年以来，某县严格落实部署。\n\n突出党建引领 凝聚帮扶力量\n\n某县充分发挥作用。\n")
    (art,) = seg(text)
    assert (art.kind, art.headline, art.dateline) == ("feature", "一线帮扶解民困 为民服务暖民心", None)
    assert art.reporters == ("戈某某", "李某某", "崔某")
    assert text[art.body_start:].startswith("自2019年")
    assert text[:art.end].endswith("某县充分发挥作用。")  # subheads stay inside the feature


def test_segment_page_furniture_is_no_article():
    text = ("党的建设\n\n中共某市委组织部\n某市党的建设学会\n某日报社 主办\n\n"
            "甲乙打造红色阵地\n\n本报甲乙讯（通讯员 王某）" + BODY +
            "\n●工作展示窗口\n\n●党员学习园地\n\n扫描二维码，\n关注“某某组工”\n")
    (art,) = seg(text)
    assert art.headline == "甲乙打造红色阵地"
    assert "主办" not in text[art.start:art.end]
    assert "二维码" not in text[art.start:art.end]


def test_segment_web_copy_with_site_menu():
    text = ("首页 | 新闻中心 | 党建 | 图片\n当前位置：首页 > 党建动态\n\n泗水创新“三联”机制 激活基层治理\n\n"
            "来源：某某日报  发布时间：2024-05-01 09:00\n\n本报泗水讯（通讯员 张明 李华）今年以来，泗水县坚持党建引领。\n"
            "县委组织部牵头建立联席会议制度。\n\n责任编辑：王强\n版权所有 某某日报社\n")
    (art,) = seg(text)
    assert art.headline == "泗水创新“三联”机制 激活基层治理"
    assert art.reporters == ("张明", "李华")
    assert text[:art.body_end].endswith("联席会议制度。")
    assert "首页" not in text[art.start:art.end]


def test_segment_no_dateline_gives_one_story_with_its_headline():
    text = "泗水创新“三联”机制 激活基层治理\n\n今年以来，泗水县坚持党建引领，创新“三联”机制，推动基层治理提质增效。县委组织部牵头建立联席会"
    (art,) = seg(text)
    assert (art.kind, art.headline, art.dateline, art.credits) == ("news", "泗水创新“三联”机制 激活基层治理", None, ())
    assert text[art.body_start:].startswith("今年以来")


def test_segment_orphan_headline_goes_to_the_story_of_its_place():
    text = ("甲乙打造“红色矩阵”提升治理效能\n\n\n\n党的建设\n\n丙丁推进机关党建\n\n本报丙丁讯（通讯员 陈某）" + BODY +
            "\n\n\n本报甲乙讯（通讯员 李某）" + BODY)
    first, second = seg(text)
    assert first.headline == "丙丁推进机关党建"
    assert second.headline == "甲乙打造“红色矩阵”提升治理效能"


def test_segment_spans_do_not_overlap_and_are_in_order():
    text = ("标题一\n本报甲讯（通讯员 王某）" + BODY + "\n标题二\n本报乙讯（通讯员 李某）" + BODY +
            "图为活动现场，党员认真学习。 通讯员 赵某 摄\n")
    arts = seg(text)
    assert [a.index for a in arts] == list(range(len(arts)))
    for a, b in zip(arts, arts[1:]):
        assert a.end <= b.start
    for a in arts:
        assert 0 <= a.start <= a.body_start <= a.body_end <= a.end <= len(text)


def test_segment_many_datelines_stay_fast():
    text = "标题\n本报甲乙讯（通讯员 张某）内容内容。\n" * 10000
    arts = seg(text)
    assert len(arts) == 10000
    assert all(a.headline == "标题" for a in arts[:3])


page_text = st.text(
    alphabet=st.sampled_from(list("本报讯通讯员记者摄梁山县镇村党建工作“”（）()■●，。、 \n\u3000\t12ab#—\ufffd")),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(page_text)
def test_segment_never_raises_and_spans_stay_inside_the_text(text):
    arts = segment(Page("r.txt", text))
    prev_end = 0
    for i, a in enumerate(arts):
        assert a.index == i and a.source == "r.txt"
        assert prev_end <= a.start <= a.body_start <= a.body_end <= a.end <= len(text)
        for c in a.credits:
            assert 0 <= c.start < c.end <= len(text)
        prev_end = a.end


def test_segment_whole_seed_page_matches_gold_headlines():
    gold_file = SHARED_EVAL / "gold" / "001_ff9c6d9b159ace11.json"
    if not gold_file.exists():
        pytest.skip("shared eval kit not present")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    text = (ROOT / "seeds" / gold["file"]).read_text(encoding="utf-8")
    arts = segment(Page(gold["file"], text))
    assert [a.headline for a in arts] == [g["headline"] for g in gold["articles"]]
    assert [list(a.reporters) for a in arts] == [g["reporters"] for g in gold["articles"]]
    assert [list(a.photographers) for a in arts] == [g["photographers"] for g in gold["articles"]]


# ---------------------------------------------------------------- fast paths keep the plain definitions

def test_segment_squeezed_lines_are_compact_line_by_line():
    from kg.normalize import compact
    from kg.segment import _fold_width, _squeeze_lines

    every_char = "".join(map(chr, range(0x10000))).replace("\ud800", "")  # surrogates cannot be encoded
    lines = [every_char[i:i + 97] for i in range(0, len(every_char), 97)]
    # ASCII words around every kind of gap, full-width ones too, and lines of nothing but gaps
    gaps = [ch for ch in map(chr, range(0x10000)) if not compact(ch) and ch not in "\n\r"]
    lines += [f"a{g}b{g}{g}１{g}中 x\u3000ｙ{g}" for g in gaps] + ["".join(gaps), "", " ", "\ue000 a \ue001 b"]
    lines += [" ".join(["ab", "12", "ＡＢ", "中文", "x"][i % 5] for i in range(n)) for n in range(8)]
    squeezed = _squeeze_lines(lines)
    assert [_fold_width(line) for line in squeezed] == [compact(line) for line in lines]
    assert [len(line) for line in squeezed] == [len(compact(line)) for line in lines]


@pytest.mark.parametrize("before", ["", "■", "■ ", "■\u3000\t ", "■■ ", " "])
def test_segment_photo_credit_starts_at_its_marker(before):
    text = "本报甲乙讯（通讯员 王某）" + BODY + "\n图为活动现场，党员认真学习。" + before + "通讯员 赵某 摄\n"
    photo = seg(text)[-1]
    assert photo.kind == "photo" and photo.photographers == ("赵某",)
    assert text[photo.body_start:photo.body_end] == "图为活动现场，党员认真学习。"
    assert text[:photo.end].endswith("通讯员 赵某 摄")


# ---------------------------------------------------------------- captions, mixed layouts, web metadata

def test_segment_caption_stops_at_the_title_of_the_story_above():
    text = ("本报讯（记者 王某 通讯员 陈某）近日，\n市委组织部举办村党组织书记\n培训班，来自全市的书记参加\n培训。\n"
            "全市村党组织书记集中“充电”\n\n"
            "近日，某某镇组织党员志愿者走进\n田间地头，帮助群众抢收小麦。\n■通讯员 孙某 摄\n")
    story, photo = seg(text)
    assert story.headline == "全市村党组织书记集中“充电”"
    assert "培训班" in text[story.body_start:story.body_end]
    assert photo.kind == "photo" and text[photo.body_start:photo.body_end].startswith("近日，某某镇")


def test_segment_caption_never_takes_the_body_of_the_story_above():
    # the story's last line runs on over a column break, yet its paragraph follows its dateline
    text = ("本报甲乙讯（通讯员 张某）今年以来，甲乙\n县推行党员积分管理，全县党员\n积极参与活动，成效明显的\n\n"
            "近日，某某镇组织党员志愿者走进\n田间地头，帮助群众抢收小麦。\n■通讯员 孙某 摄\n")
    story, photo = seg(text)
    assert "积分管理" in text[story.body_start:story.body_end]
    assert text[photo.start:photo.body_end].startswith("近日，某某镇")


def test_segment_headline_placement_per_gap_by_place_cue():
    # the page prints its headlines before their stories, but one story's headline after it
    text = ("甲乙打造“先锋”党建品牌\n本报甲乙讯（通讯员 张某）今年以来，甲乙\n市开展先锋行动，成效明显。\n\n"
            "本报丙丁讯（通讯员 李某）近日，丙丁县召\n开现场推进会，观摩示范点。\n丙丁现场观摩促比学赶超\n\n"
            "本报戊己讯（通讯员 王某）为守护\n湖区生态，某某镇开展清湖行动。\n\n"
            "庚辛推行“红色帮办”机制\n本报庚辛讯（通讯员 赵某）近日，庚辛县\n推行帮办机制，服务群众。\n")
    first, second, third, fourth = seg(text)
    assert first.headline == "甲乙打造“先锋”党建品牌"
    assert second.headline == "丙丁现场观摩促比学赶超"
    assert third.headline is None  # the title above it names the story before it
    assert fourth.headline == "庚辛推行“红色帮办”机制"
    assert text[:second.end].endswith("丙丁现场观摩促比学赶超")


def test_segment_headline_placement_splits_a_block_between_two_stories():
    # one block holds the title printed after the story above and the title printed before the next one
    text = ("党的建设\n\n本报甲乙讯（通讯员 张某）今年以来，甲乙\n县实施引擎工程，成效明显。\n"
            "甲乙“红色引擎”激活\n“两新”组织发展动能\n\n"
            "建强阵地 配强队伍 做强产业\n丙丁“四雁”工程锻造生力军\n本报丙丁讯（通讯员 李某）丙丁县实施\n“四雁”工程，培育队伍。\n\n"
            "小区里的“红色议事厅”\n■本报通讯员 王某 刘某\n走进某某社区，居民正在\n商量加装电梯的事。\n")
    first, second, third = seg(text)
    assert first.headline == "甲乙“红色引擎”激活“两新”组织发展动能"
    assert second.headline == "丙丁“四雁”工程锻造生力军"
    assert (third.kind, third.headline) == ("feature", "小区里的“红色议事厅”")
    assert first.end <= second.start < text.index("建强阵地") + 1


def test_segment_photo_credit_with_line_break_after_the_role_word():
    text = ("本报甲乙讯（通讯员 王某）" + BODY + "\n"
            "近日，某某镇开展“党员进网格”活动，\n组织党员为群众解决难题。 ■通讯员\n孟某 摄\n")
    photo = seg(text)[-1]
    assert (photo.kind, photo.photographers) == ("photo", ("孟某",))
    assert text[photo.body_start:photo.body_end].startswith("近日，某某镇")


@pytest.mark.parametrize("furniture", [
    "某某日报  2024年6月4日  星期二",
    "2024年6月4日 星期二 某某日报",
    "您现在的位置：首页 > 基层党建 > 正文",
    "某某新闻网  >  新闻中心  >  党建动态",
    "首页>>党建",
])
def test_segment_furniture_paper_date_and_breadcrumbs_are_no_headline(furniture):
    text = furniture + "\n甲乙县推行“红色帮办”服务机制\n本报甲乙讯（通讯员 张某）" + BODY
    (art,) = seg(text)
    assert art.headline == "甲乙县推行“红色帮办”服务机制"


def test_segment_web_metadata_credits_are_the_reporters():
    text = ("首页 | 要闻 | 党建\n甲乙市：“某某先锋”点亮振兴路\n"
            "发布时间：2024-04-17 10:05:22  来源：甲乙市融媒体中心  作者：周某 陈某某  编辑：刘某\n"
            "近年来，甲乙市委组织部实施培育计划，每年选拔优秀青年纳入村级后备力量，成效明显。\n")
    (art,) = seg(text)
    assert art.headline == "甲乙市：“某某先锋”点亮振兴路"
    assert art.reporters == ("周某", "陈某某")  # the editor is no writer
    assert [text[c.start:c.end] for c in art.credits] == ["周某", "陈某某"]


def test_segment_web_metadata_credits_never_replace_the_dateline_credit():
    text = ("甲乙县某某联盟助推共同富裕\n2024年09月02日 08:41  来源：某某日报  作者：周某\n"
            "本报甲乙讯（记者 吴某 通讯员 钱某）" + BODY)
    (art,) = seg(text)
    assert art.reporters == ("吴某", "钱某")


# a page printing its first headline before the story; the stories below carry theirs after the body
_HEADLINE_ON_TOP = "甲乙开展“红旗支部”创建\n\n本报甲乙讯（通讯员 王某）" + BODY
_UNTITLED = "\n本报戊己讯（通讯员 周某）" + BODY  # a story whose headline the page lost


def test_segment_headline_after_body_before_a_photo_caption():
    text = (_HEADLINE_ON_TOP + "\n本报丙丁讯（通讯员 李某）" + BODY + "\n新就业群体有了“暖心驿站”\n\n"
            "近日，某某社区组织党员志愿者为居民开展义诊服务。\n■通讯员 赵某某 摄\n\n"
            "■本报通讯员 钱某 孙某\n" + BODY + "\n园区党建激活“红色引擎”\n")
    first, second, photo, feature = seg(text)
    assert first.headline == "甲乙开展“红旗支部”创建"
    assert second.headline == "新就业群体有了“暖心驿站”"  # a caption, not a story, follows it
    assert text[:second.end].endswith("“暖心驿站”")
    assert (photo.kind, photo.headline) == ("photo", None)
    assert text[photo.body_start:photo.body_end].startswith("近日，某某社区")
    assert (feature.kind, feature.headline) == ("feature", "园区党建激活“红色引擎”")  # the page's end follows


def test_segment_headline_after_body_before_page_furniture():
    text = (_HEADLINE_ON_TOP + _UNTITLED + "\n■本报通讯员 钱某 孙某\n" + BODY + "\n园区党建激活“红色引擎”\n\n"
            "扫描二维码，关注“某某组工”\n")
    first, untitled, feature = seg(text)
    assert first.headline == "甲乙开展“红旗支部”创建"
    assert untitled.headline is None
    assert feature.headline == "园区党建激活“红色引擎”"
    assert "二维码" not in text[feature.start:feature.end]


def test_segment_headline_after_body_parted_by_furniture_from_the_next_headline():
    text = (_HEADLINE_ON_TOP + _UNTITLED + "\n■本报通讯员 钱某 孙某\n" + BODY + "\n园区党建激活“红色引擎”\n\n"
            "乡村振兴先锋\n\n丙丁推行“积分超市”\n\n本报丙丁讯（通讯员 李某）" + BODY)
    first, untitled, feature, last = seg(text)
    assert untitled.headline is None
    assert first.headline == "甲乙开展“红旗支部”创建"
    assert feature.headline == "园区党建激活“红色引擎”"  # above the section label: the story before's
    assert last.headline == "丙丁推行“积分超市”"


def test_segment_title_before_a_caption_never_replaces_a_headline():
    text = (_HEADLINE_ON_TOP + "\n某某标题一行\n\n近日，某某社区组织党员志愿者为居民开展义诊服务。\n■通讯员 赵某某 摄\n")
    first, photo = seg(text)
    assert first.headline == "甲乙开展“红旗支部”创建"  # it has one already: the loose title stays unclaimed
    assert photo.kind == "photo"
