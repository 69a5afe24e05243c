"""The place finder and the story's place, on small synthetic texts."""
import pytest

from kg.extract.places import DATELINE_KIND, Span, filter_spans, find_places, story_locality
from kg.gazetteer import load_gazetteer
from kg.model import Article, Locality
from kg.normalize import normalize


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def _article(text, dateline=None, kind="news", headline=None, base=0):
    body = text.index("）") + 1 if "）" in text else 0
    if headline:
        body = text.index(headline) + len(headline)
    return Article("t.txt", 3, kind, headline, dateline, (), base, base + len(text), base + body, base + len(text))


def _places(gazetteer, text, dateline=None, kind="news", headline=None):
    article = _article(text, dateline, kind, headline)
    mentions = find_places(article, normalize(text), gazetteer)
    return article, mentions


def _named(mentions, type_):
    return [m for m in mentions if m.type == type_]


def test_places_short_form_resolves_to_canonical_name(gazetteer):
    _, mentions = _places(gazetteer, "本报梁山讯（通讯员 甲乙）梁山推进改革。", "梁山")
    counties = _named(mentions, "county")
    assert [(m.name, m.text, m.kind) for m in counties] == [("梁山县", "梁山", DATELINE_KIND), ("梁山县", "梁山", None)]
    assert counties[0].code == "370832000000"
    assert counties[0].links[0].target_name == "济宁市"


@pytest.mark.parametrize("surface, canonical", [("经开区", "济宁经济技术开发区"), ("太白湖新区", "济宁太白湖新区"),
                                               ("高新区", "济宁高新技术产业开发区")])
def test_places_zone_alias_resolves_in_its_city(gazetteer, surface, canonical):
    _, mentions = _places(gazetteer, f"本报济宁讯（通讯员 甲乙）{surface}推进改革。", "济宁")
    assert [m.name for m in _named(mentions, "county")] == [canonical]
    assert _named(mentions, "county")[0].links[0].target_name == "济宁市"


def test_places_generic_zone_alias_needs_its_city(gazetteer):
    _, mentions = _places(gazetteer, "近日，高新区推进改革。")
    assert _named(mentions, "county") == []


@pytest.mark.parametrize("text", ["用好微山湖红色资源", "走进水泊梁山景区", "泗河岸边建设步道", "推进日照照料室建设，确保长治久安"])
def test_places_look_alikes_are_no_places(gazetteer, text):
    _, mentions = _places(gazetteer, f"本报济宁讯（通讯员 甲乙）{text}。", "济宁")
    assert [m for m in mentions if m.kind != DATELINE_KIND] == []


def test_places_town_named_like_county_plus_suffix_is_a_town(gazetteer):
    _, mentions = _places(gazetteer, "本报金乡讯（通讯员 甲乙）金乡街道开展活动。", "金乡")
    towns = _named(mentions, "town")
    assert [(m.name, m.code) for m in towns] == [("金乡街道", "370828001000")]
    assert [m.kind for m in _named(mentions, "county")] == [DATELINE_KIND]


@pytest.mark.parametrize("text, dateline, code, county", [
    ("本报汶上讯（通讯员 甲乙）中都街道开展活动。", "汶上", "370830001000", "汶上县"),
    ("本报讯（通讯员 甲乙）凤阳县中都街道开展活动。", None, "341126001000", "凤阳县"),
])
def test_places_same_name_town_resolved_by_story_county(gazetteer, text, dateline, code, county):
    _, mentions = _places(gazetteer, text, dateline)
    (town,) = _named(mentions, "town")
    assert (town.code, town.links[0].target_name) == (code, county)


def test_places_same_name_town_without_context_is_dropped(gazetteer):
    _, mentions = _places(gazetteer, "图为鼓楼街道党员开展活动。", kind="photo")
    assert mentions == ()


def test_places_county_printed_before_town(gazetteer):
    _, mentions = _places(gazetteer, "曲阜市尼山镇探索全员绩效管理。")
    (town,) = _named(mentions, "town")
    assert (town.name, town.code, town.links[0].target_name) == ("尼山镇", "370881105000", "曲阜市")


def test_places_other_province_resolves_the_same_way(gazetteer):
    _, mentions = _places(gazetteer, "赴江苏省昆山市千灯镇学习，千灯镇的做法值得借鉴。")
    assert [m.name for m in _named(mentions, "province")] == ["江苏省"]
    (county,) = _named(mentions, "county")
    assert (county.code, county.links[0].target_name) == ("320583000000", "苏州市")
    towns = _named(mentions, "town")
    assert len(towns) == 2 and {m.code for m in towns} == {"320583108000"}


def test_places_village_under_its_town(gazetteer):
    _, mentions = _places(gazetteer, "本报济宁讯（通讯员 甲乙）任城区在唐口街道梁南村成立基地。", "济宁")
    (village,) = _named(mentions, "village")
    assert (village.name, village.code) == ("梁南村", "370811018208")
    assert village.links[0].target_type == "town" and village.links[0].target_name == "唐口街道"


def test_places_generic_village_right_after_town(gazetteer):
    _, mentions = _places(gazetteer, "嘉祥县纸坊镇前头村开展活动，纸坊镇各村都参加。")
    (village,) = _named(mentions, "village")
    assert (village.name, village.code, village.links[0].target_name) == ("前头村", None, "纸坊镇")


def test_places_filter_spans_longest_then_earliest():
    spans = [Span(0, 2, None, "county", "a"), Span(0, 4, None, "town", "b"),
             Span(3, 6, None, "town", "c"), Span(5, 7, None, "village", "d"), Span(8, 10, None, "county", "e")]
    assert [s.name for s in filter_spans(spans)] == ["b", "d", "e"]


def test_places_offsets_point_at_original_text_across_line_break(gazetteer):
    page = "报头\n本报兖州讯（通讯员 甲乙）兖州区鼓\n楼街道开展活动。"
    start = page.index("本报")
    article = Article("t.txt", 0, "news", None, "兖州", (), start, len(page), page.index("）") + 1, len(page))
    mentions = find_places(article, normalize(page[start:], base=start), gazetteer)
    (town,) = _named(mentions, "town")
    assert page[town.start:town.end] == "鼓\n楼街道"
    assert town.text == "鼓楼街道" and town.code == "370812001000"
    assert "兖州区鼓楼街道开展活动。" in town.sentence
    (dateline,) = [m for m in mentions if m.kind == DATELINE_KIND]
    assert page[dateline.start:dateline.end] == "兖州"


def test_places_story_locality_from_dateline(gazetteer):
    article, mentions = _places(gazetteer, "本报梁山讯（通讯员 甲乙）曲阜市有关负责人到访。", "梁山")
    assert story_locality(article, mentions, gazetteer) == Locality("梁山县", "济宁市", "山东省")


def test_places_story_locality_from_headline_when_dateline_names_the_city(gazetteer):
    text = "任城下派干部工作团助推振兴本报济宁讯（通讯员 甲乙）到曲阜、兖州学习。"
    article, mentions = _places(gazetteer, text, "济宁", headline="任城下派干部工作团助推振兴")
    assert story_locality(article, mentions, gazetteer).county == "任城区"


def test_places_story_locality_from_body_when_dateline_names_the_city(gazetteer):
    article, mentions = _places(gazetteer, "本报济宁讯（通讯员 甲乙）太白湖新区结合社区党建工作。", "济宁")
    assert story_locality(article, mentions, gazetteer) == Locality("济宁太白湖新区", "济宁市", "山东省")


def test_places_story_locality_of_a_whole_city(gazetteer):
    article, mentions = _places(gazetteer, "本报济宁讯（通讯员 甲乙）全市推进改革。", "济宁")
    locality = story_locality(article, mentions, gazetteer)
    assert locality == Locality(None, "济宁市", "山东省") and locality.subject == "济宁市"


def test_places_story_locality_of_a_photo_caption(gazetteer):
    text = "嘉祥县深化活动。图为纸坊镇组织党员植树。■通讯员 甲乙 摄"
    article, mentions = _places(gazetteer, text, kind="photo")
    assert story_locality(article, mentions, gazetteer).county == "嘉祥县"
    (town,) = _named(mentions, "town")
    assert town.links[0].target_name == "嘉祥县"


def test_places_town_the_text_puts_in_another_county_keeps_its_official_parent():
    from kg.pipeline import build_page
    from kg.model import Page

    result = build_page(Page("x.txt", "本报梁山讯（通讯员 甲乙）梁山县纸坊镇开展活动。"))
    town = next(m for m in result.mentions if m.type == "town")
    predicates = {(link.predicate, link.target_name) for link in town.links}
    assert ("locatedIn", "嘉祥县") in predicates and ("statedIn", "梁山县") in predicates
    agreeing = build_page(Page("y.txt", "本报嘉祥讯（通讯员 甲乙）嘉祥县纸坊镇开展活动。"))
    town = next(m for m in agreeing.mentions if m.type == "town")
    assert [link.predicate for link in town.links] == ["locatedIn"]


def test_places_filter_spans_takes_any_iterable_and_keeps_spans_apart_as_they_are():
    spans = [Span(5, 7, None, "village", "d"), Span(0, 2, None, "county", "a"), Span(2, 4, None, "town", "b")]
    assert [s.name for s in filter_spans(iter(spans))] == ["a", "b", "d"]
    overlapping = [Span(3, 6, None, "town", "c"), Span(0, 4, None, "town", "b"), Span(5, 7, None, "village", "d")]
    assert [s.name for s in filter_spans(s for s in overlapping)] == ["b", "d"]


def _villages(mentions):
    return [(m.type, m.name, m.links[0].target_name) for m in mentions if m.type in ("village", "community")]


def test_places_village_after_cue_in_its_towns_sentence(gazetteer):
    # outside 济宁 no village has a row: a town earlier in the sentence and a cue (在, 、) place it
    _, mentions = _places(gazetteer, "平江县加义镇党委探索新模式，在青松村、石桥村建成茶叶基地，在阳光社区设站。")
    assert _villages(mentions) == [("village", "青松村", "加义镇"), ("village", "石桥村", "加义镇"),
                                   ("community", "阳光社区", "加义镇")]


def test_places_village_after_cue_needs_its_town_in_the_sentence(gazetteer):
    _, mentions = _places(gazetteer, "平江县加义镇召开会议。在青松村建成茶叶基地。")
    assert _villages(mentions) == []


def test_places_village_after_town_may_start_with_numeral(gazetteer):
    _, mentions = _places(gazetteer, "平江县加义镇三桥村党支部书记带领村民。")
    assert _villages(mentions) == [("village", "三桥村", "加义镇")]


@pytest.mark.parametrize("phrase", ["在5个村开展", "在农村推行", "在乡村振兴中", "在村村建立", "在美丽乡村建设",
                                    "在偏远山村", "在全村推广", "三个村", "在城市社区推行", "在示范村建设", "在职党员进社区"])
def test_places_common_words_and_counts_are_no_villages(gazetteer, phrase):
    _, mentions = _places(gazetteer, f"平江县加义镇{phrase}。")
    assert _villages(mentions) == []
