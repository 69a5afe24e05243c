"""Organization finder: suffix grammar, qualification by the story's place, generic references."""
from kg.extract.organizations import find_organizations
from kg.model import Article, Locality
from kg.normalize import normalize

PREFIX = "通讯稿："  # text before the story body, so offsets differ from indexes into the body


def _orgs(body: str, county: str | None = "梁山县", city: str = "济宁市"):
    page = PREFIX + body
    article = Article("t.txt", 0, "news", None, None, (), 0, len(page), len(PREFIX), len(page))
    text = normalize(body, base=len(PREFIX))
    return page, find_organizations(article, text, Locality(county, city, "山东省"), ())


def _names(body: str, county: str | None = "梁山县") -> dict[str, str | None]:
    _, found = _orgs(body, county)
    return {m.name: (m.links[0].target_name if m.links else None) for m in found}


def test_organizations_suffix_grammar_finds_placed_body():
    assert _names("今年，济宁市城管局开展环境整治。") == {"济宁市城管局": "济宁市"}


def test_organizations_qualified_in_county_story():
    assert _names("县委组织部出台办法，县委、县政府作出部署。") == {
        "梁山县委组织部": "梁山县", "梁山县委": "梁山县", "梁山县政府": "梁山县"}


def test_organizations_city_word_is_county_level_city_in_its_story():
    assert _names("报市委组织部备案。", county="曲阜市") == {"曲阜市委组织部": "曲阜市"}


def test_organizations_city_bodies_in_county_story_are_prefecture_city():
    assert _names("报市委组织部备案，省委要求。", county="鱼台县") == {
        "济宁市委组织部": "济宁市", "山东省委": "山东省"}


def test_organizations_repeated_level_word_dropped():
    assert _names("由区直机关党委牵头。", county="济宁经济技术开发区") == {
        "济宁经济技术开发区直机关党委": "济宁经济技术开发区"}
    assert _names("区总工会驻村帮扶。", county="任城区") == {"任城区总工会": "任城区"}


def test_organizations_name_carrying_place_kept_as_printed():
    assert _names("济宁市地税局任城分局驻村工作组通过微信群发布信息。") == {"济宁市地税局任城分局": "济宁市"}
    assert _names("在山东财经 大学举办研修班。") == {"山东财经大学": "山东省"}


def test_organizations_generic_references_not_listed():
    body = "各级党组织和派出单位支持，乡镇党委、有关部门、驻村工作组、村妇联、15个乡镇机关党支部参与。"
    assert _names(body) == {}


def test_organizations_bare_department_is_story_county_and_kind_assigned():
    _, found = _orgs("联合医保局为老干部办理保险，联合县医院开设讲堂。", county="金乡县")
    kinds = {m.name: m.kind for m in found}
    assert kinds == {"金乡县医保局": "government", "金乡县医院": "hospital"}


def test_organizations_public_account_is_media():
    _, found = _orgs("通过“泗水组工”微信公众号发布预告。", county="泗水县")
    assert [(m.name, m.kind, m.links[0].target_name) for m in found] == [("泗水组工", "media", "泗水县")]


def test_organizations_offsets_point_to_original_text():
    body = "近日，县市场\n监管局在小区开展活动。"
    page, found = _orgs(body, county="汶上县")
    assert [m.name for m in found] == ["汶上县市场监管局"]
    m = found[0]
    assert page[m.start:m.end].replace("\n", "") == "县市场监管局" == m.text


def _story_orgs(page_text: str) -> dict[str, str | None]:
    """Organizations of a whole page run through the pipeline (segmenter and place finder
    included: the unit bodies need the villages and communities it finds)."""
    from kg.model import Page
    from kg.pipeline import build_page

    result = build_page(Page("t.txt", page_text))
    return {m.name: (m.links[0].target_name if m.links else None)
            for m in result.mentions if m.type == "organization"}


def test_organizations_named_unit_party_bodies_placed_in_their_county():
    page = ("本报梁山讯（通讯员 张三）拳铺镇党委牵头成立联盟。拳铺镇李家洼村党支部组建志愿服务队。"
            "水泊街道杏花社区党委开展活动。")
    assert _story_orgs(page) == {
        "拳铺镇党委": "梁山县", "李家洼村党支部": "梁山县", "杏花社区党委": "梁山县"}


def test_organizations_relative_unit_body_qualified_by_the_one_unit_its_sentence_names():
    page = ("本报梁山讯（通讯员 张三）在馆驿镇，镇党委建立服务站。"
            "在水泊街道杏花社区，社区党委书记王五带领党员。拳铺镇李家洼村，村党支部书记带头。")
    assert _story_orgs(page) == {
        "馆驿镇党委": "梁山县", "杏花社区党委": "梁山县", "李家洼村党支部": "梁山县"}
    # two towns in the sentence: which town's committee is not certain
    assert _story_orgs("本报梁山讯（通讯员 张三）馆驿镇和拳铺镇的做法表明，镇党委要抓好落实。") == {}


def test_organizations_generic_unit_bodies_still_dropped():
    page = ("本报梁山讯（通讯员 张三）拳铺镇推进工作，村党支部书记要带头，乡镇党委要负责，"
            "各级党组织要重视，12个村党支部参与，党支部要落实，全县离退休干部党支部报到。")
    assert _story_orgs(page) == {}


def test_organizations_name_never_crosses_the_dateline():
    # the credit bracket ends a name even where the segmenter saw no dateline
    assert _names("本报曲阜讯（通讯员 王新）市委组织部近日召开会议。", county="曲阜市") == {
        "曲阜市委组织部": "曲阜市"}
    # a dateline without a bracket: the body's start ends a name
    assert _story_orgs("本报梁山讯 县委组织部近日召开会议。") == {"梁山县委组织部": "梁山县"}


def test_organizations_enumeration_comma_ends_a_name():
    assert _names("县供销社、县农商银行与镇村签订合作协议。", county="汶上县") == {
        "汶上县供销社": "汶上县", "汶上县农商银行": "汶上县"}


def test_organizations_title_names_no_committee():
    body = "县委书记赵六表示，市委常委、组织部部长李四出席，县委副书记钱七主持。"
    assert _names(body) == {}
    assert _names("县委、县政府高度重视。") == {"梁山县委": "梁山县", "梁山县政府": "梁山县"}


def test_organizations_place_within_a_place_before_relative_head_word():
    assert _names("济宁市任城区人民法院派员进驻。", county="任城区") == {"济宁市任城区人民法院": "济宁市"}


def test_organizations_committee_work_department_keeps_committee():
    assert _names("县委社会工作部牵头，山东省委统战工作部有关负责同志表示肯定。") == {
        "梁山县委社会工作部": "梁山县", "山东省委统战工作部": "山东省"}


def test_organizations_assets_commission_and_office_heads():
    assert _names("市国资委对企业考核。县商务局、县海事处联合开展检查，要及时处理。") == {
        "济宁市国资委": "济宁市", "梁山县商务局": "梁山县", "梁山县海事处": "梁山县"}


def test_organizations_named_cooperative_kept_generic_ones_not():
    found = _names("前进村党支部领办金穗小麦专业合作社，东风村成立苹果专业合作社，西庄村组建合作社，"
                   "南庄村注册成立蔬菜种植专业合作社。")
    assert "金穗小麦专业合作社" in found and found["金穗小麦专业合作社"] == "梁山县"
    assert not any("苹果" in n or "蔬菜" in n or n.endswith("组建合作社") for n in found)
    assert not any("领办" in n for n in found)


def test_organizations_national_name_has_no_locality():
    assert _names("集团党委与中国农业大学签订合作协议，与山东农业大学共建基地。") == {
        "中国农业大学": None, "山东农业大学": "山东省"}


def test_organizations_quoted_part_inside_name_belongs_to_it():
    # a short quoted term between a body and a head word names that body's organ: the quotes drop
    assert _names("县委“两新”工委召开推进会，县委“两新”组织党委牵头。") == {
        "梁山县委两新工委": "梁山县", "梁山县委两新组织党委": "梁山县"}


def test_organizations_quoted_slogan_is_not_part_of_a_name():
    # a long quoted phrase, or one after no body, stays a stop: only the body before it is named
    assert "梁山县委" in _names("县委“我为群众办实事”工委推动。")
    assert not any("两新" in name for name in _names("聚焦“两新”组织党委建设。"))


def test_organizations_zone_short_form_before_head_takes_zone_canonical_name():
    # a zone's alias (functional_zones.tsv) before a head word names the zone's body by its full name
    names = _names("太白湖新区管委会印发方案，济宁经开区党工委部署落实。", county="济宁太白湖新区")
    assert names == {"济宁太白湖新区管委会": "济宁太白湖新区",
                     "济宁经济技术开发区党工委": "济宁经济技术开发区"}


def test_organizations_county_name_before_head_still_kept_as_printed():
    assert _names("梁山县委部署落实。") == {"梁山县委": "梁山县"}


def test_organizations_named_joint_committee_is_a_body_generic_one_is_not():
    names = _names("镇党委牵头成立果蔬产业联合党委，组建东街商圈联合党委，推动各村成立联合党委。")
    assert names["果蔬产业联合党委"] == "梁山县"
    assert names["东街商圈联合党委"] == "梁山县"
    assert "联合党委" not in names and not any(n.startswith("各村") for n in names)
