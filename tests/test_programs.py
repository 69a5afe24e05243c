"""find_programs on small synthetic stories written for these tests."""
from kg.extract.programs import find_programs
from kg.model import Article, Link, Locality, Mention
from kg.normalize import normalize

COUNTY = Locality("梁山县", "济宁市", "山东省")
BASE = 100  # the story starts inside a page: offsets must stay the page's


def _run(body, locality=COUNTY, organizations=(), headline=""):
    page = "x" * BASE + headline + body
    article = Article("p.txt", 0, "news", headline or None, None, (), BASE, len(page),
                      BASE + len(headline), len(page))
    text = normalize(page[BASE:], base=BASE)
    return page, find_programs(article, text, locality, organizations)


def _names(body, **kw):
    return [m.name for m in _run(body, **kw)[1]]


def test_programs_quoted_name_with_head_noun():
    assert _names("该县开展“三帮三促”行动，成效明显。") == ["三帮三促行动"]
    assert "七步工作法" in _names("推广“七步”工作法。")


def test_programs_launching_verb_with_quoted_proper_name():
    assert _names("该镇实行“积分榜制”，管理有序。") == ["积分榜制"]
    assert _names("打造“先锋矩阵”提升治理效能。") == ["先锋矩阵"]


def test_programs_quoted_phrase_modifying_another_noun_is_not_the_object():
    assert _names("共建立“五老五户”档案表300份。") == []


def test_programs_marker_stays_out_of_name():
    assert _names("聚焦“两化”建设，提升服务。") == ["两化"]


def test_programs_role_prefix_kept_topic_prefix_dropped():
    assert _names("建立驻村书记“2+1”帮扶机制。") == ["驻村书记2+1帮扶机制"]
    assert _names("深化机关党建“红旗引航”行动。") == ["红旗引航行动"]


def test_programs_deng_dropped_from_name():
    assert _names("开展党员“争先锋、作表率”等活动。") == ["争先锋、作表率活动"]


def test_programs_inner_quotes_removed():
    names = _names("举办“学党史、做‘四有’青年”主题演讲比赛。")
    assert names == ["学党史、做四有青年主题演讲比赛"]


def test_programs_spaces_removed():
    assert _names("出台“引才新政 15条”。") == ["引才新政15条"]


def test_programs_unquoted_term_after_launching_verb():
    assert _names("探索实行交叉互评制度，层层示范。") == ["交叉互评制度"]
    assert _names("实施青年人才安家工程。") == ["青年人才安家工程"]


def test_programs_generic_description_is_not_a_name():
    assert _names("建立定期通报制度，完善工作体系，开展各类志愿服务活动。") == []


def test_programs_slogans_rejected():
    body = ("坚持“规模适中、便于管理”的原则，实现服务“一门式、零距离”，"
            "营造“比学赶超”的氛围，破解“中梗阻”问题，从“等靠要”变为“主动干”。")
    assert _names(body) == []


def test_programs_list_with_weak_head_stays_a_description():
    assert _names("采取“集中培训、现场观摩”等方式。") == []


def test_programs_national_program_has_no_locality():
    page, found = _run("严格落实“三会一课”等制度。")
    assert [m.name for m in found] == ["三会一课"]
    assert not [l for l in found[0].links if l.predicate == "launchedIn"]


def test_programs_local_program_launched_in_story_county():
    _, found = _run("该县开展“三帮三促”行动。")
    assert Link("launchedIn", "county", "梁山县") in found[0].links


def test_programs_level_word_before_quotes_sets_locality():
    _, found = _run("作品获济宁市“红旗飘飘”活动一等奖。")
    assert found[0].name == "红旗飘飘活动"
    assert Link("launchedIn", "city", "济宁市") in found[0].links


def test_programs_run_by_sentence_subject():
    body = "县委组织部开展“三帮三促”行动，成效明显。"
    page = "x" * BASE + body
    start = page.index("县委组织部")
    org = Mention("p.txt", 0, "organization", "梁山县委组织部", "县委组织部", start, start + 5, body)
    _, found = _run(body, organizations=(org,))
    assert Link("runBy", "organization", "梁山县委组织部") in found[0].links


def test_programs_run_by_subject_across_commas_of_one_sentence():
    body = "县委组织部坚持问题导向，深入开展“三帮三促”行动，成效明显。"
    page = "x" * BASE + body
    start = page.index("县委组织部")
    org = Mention("p.txt", 0, "organization", "梁山县委组织部", "县委组织部", start, start + 5, body)
    _, found = _run(body, organizations=(org,))
    assert Link("runBy", "organization", "梁山县委组织部") in found[0].links


def test_programs_no_run_by_across_sentences():
    body = "县委组织部召开会议。各镇开展“三帮三促”行动。"
    page = "x" * BASE + body
    start = page.index("县委组织部")
    org = Mention("p.txt", 0, "organization", "梁山县委组织部", "县委组织部", start, start + 5, body)
    _, found = _run(body, organizations=(org,))
    assert not [l for l in found[0].links if l.predicate == "runBy"]


def test_programs_offsets_point_to_original_text():
    body = "该县开展“三帮\n三促”行动，成效明显。"
    page, found = _run(body)
    m = found[0]
    assert page[m.start:m.end].replace("\n", "") == "“三帮三促”行动"
    assert m.text == "“三帮三促”行动"
    assert "成效明显" in m.sentence


def test_programs_headline_theme():
    names = _names("本报梁山讯（通讯员 甲）正文。", headline="邹城市“四个强化” 做好交接")
    assert names == ["四个强化"]


# The compiled matchers must find what the word-list scans they replace found.

def test_programs_word_alternation_takes_the_longest_word():
    import re

    from kg.extract.programs import _alternation
    pattern = re.compile(_alternation(["实施", "实施方案", "实行", "推", ""]))
    assert [pattern.match(s).group() for s in ("实施方案好", "实施方", "实行", "推进")] == \
        ["实施方案", "实施", "实行", "推"]
    assert pattern.match("方案") is None
    assert re.compile(_alternation([])).search("任何") is None  # an empty list matches nothing


def test_programs_quote_pairs_skip_stray_marks():
    from kg.extract.programs import _quotes
    # a second opening mark before the close: the first is stray; a sentence end inside: no pair
    assert [q.inner for q in _quotes("“甲“乙丙”，“丁。戊”，\"己\"")] == ["乙丙", "己"]
    assert [q.inner for q in _quotes("“" + "长" * 61 + "”“短”")] == ["短"]


def test_programs_head_noun_after_list_mark_only_while_none_seen():
    assert _names("打造“1+N”开放式、集约化服务阵地体系。") == ["1+N开放式、集约化服务阵地体系"]


# Heads of courses, pools and service points; markers after a launching verb.

def test_programs_course_pool_and_service_point_heads():
    assert _names("市委组织部举办全市“红雁领飞”青年干部能力提升培训班。") == ["红雁领飞青年干部能力提升培训班"]
    assert _names("该镇建立“返乡能人”人才库。") == ["返乡能人人才库"]
    assert _names("区政务中心设立“企业之家”服务专窗。") == ["企业之家服务专窗"]
    assert _names("县银行开通“涉农贷款绿色通道”。") == ["涉农贷款绿色通道"]


def test_programs_course_heads_do_not_name_plain_descriptions():
    assert _names("县人社局开办电工技能培训班，开展环境整治志愿服务。") == []
    assert _names("为企业开辟“绿色通道”。") == []
    assert _names("持续加大“走下去”培训力度。") == []


def test_programs_clause_verb_opens_clause_only_right_after_quotes():
    # inside the words after the quotes, 提升 before a head noun is part of the name (above);
    # right after the quotes it opens a new clause, whose object is no head of the phrase
    assert _names("坚持“勤调研”加强项目管理。") == []


def test_programs_creation_and_upgrade_markers_after_launching_verb():
    assert _names("街道在社区开展“文明楼栋”创建。") == ["文明楼栋"]
    assert _names("该区打造“园区党建”升级版。") == ["园区党建"]


def test_programs_single_party_building_brand_is_a_program():
    assert _names("该公司党委打造“红帆引航”党建品牌，设立党员岗。") == ["红帆引航党建品牌"]


# runBy: the sentence's subject after leading phrases; partners; the program's own clause.

def _org(body, printed, name, at=0):
    start = BASE + body.index(printed, at)
    return Mention("p.txt", 0, "organization", name, printed, start, start + len(printed), body)


def _run_by(body, *orgs):
    _, found = _run(body, organizations=orgs)
    return {m.name: [l.target_name for l in m.links if l.predicate == "runBy"] for m in found}


def test_programs_run_by_subject_after_leading_phrase():
    body = "今年以来，县委组织部聚焦办事难题，在全县推行“红色代办”服务机制。"
    assert _run_by(body, _org(body, "县委组织部", "梁山县委组织部")) == {"红色代办服务机制": ["梁山县委组织部"]}
    body = "为破解发展难题，县委组织部实施“强村富民”行动。"
    assert _run_by(body, _org(body, "县委组织部", "梁山县委组织部")) == {"强村富民行动": ["梁山县委组织部"]}
    body = "依托县委党校（县行政学校），举办“初心讲堂”培训班。"
    assert _run_by(body, _org(body, "县委党校", "梁山县委党校")) == {"初心讲堂培训班": ["梁山县委党校"]}


def test_programs_run_by_trial_verb():
    body = "东城街道党工委在新华社区试点“红色楼道”建设。"
    assert _run_by(body, _org(body, "东城街道党工委", "东城街道党工委")) == {"红色楼道": ["东城街道党工委"]}


def test_programs_run_by_not_a_partner_of_the_subject():
    body = "县委组织部、县人社局联合举办“青苗成长”培训班。"
    orgs = (_org(body, "县委组织部", "梁山县委组织部"), _org(body, "县人社局", "梁山县人社局"))
    assert _run_by(body, *orgs) == {"青苗成长培训班": ["梁山县委组织部"]}
    body = "近年来，马营镇党委实施“匠心”工程，联合县市场监管局打造“马营木雕”区域公用品牌。"
    orgs = (_org(body, "马营镇党委", "马营镇党委"), _org(body, "县市场监管局", "梁山县市场监管局"))
    assert _run_by(body, *orgs)["马营木雕区域公用品牌"] == ["马营镇党委"]
    # with no subject, the body named with the launching verb runs it
    body = "健全服务机制，联合县社工部组建“银龄先锋”志愿服务队。"
    assert _run_by(body, _org(body, "县社工部", "梁山县社工部")) == {"银龄先锋志愿服务队": ["梁山县社工部"]}


def test_programs_run_by_subject_needs_a_launching_verb_in_the_programs_clause():
    body = "近年来，县文旅局靠上服务、保障项目建设，并获得全国“美丽庭院”示范项目。"
    assert _run_by(body, _org(body, "县文旅局", "梁山县文旅局")) == {"美丽庭院示范项目": []}


def test_programs_name_stops_at_verb_after_quotes():
    names = _names("该县推行“一户一牌”行动，并将“一户一牌”纳入全县乡村振兴重点项目。")
    assert not any("纳入" in n for n in names)
    assert _names("举办“青年骨干”能力提升培训班。") == ["青年骨干能力提升培训班"]


def test_programs_counted_quotes_are_not_programs():
    assert _names("该镇把网格细分为38个“院落网格”，组建巡查队。") == []
    assert _names("该县培育“红旗党员示范岗”42个。") == []
    # a head noun after the counted quotes: the quotes name a program of that kind
    assert _names("全县组建42支“红马甲”志愿服务队。") == ["红马甲志愿服务队"]
    assert _names("全县组建“红马甲”志愿服务队42支。") == ["红马甲志愿服务队"]


def test_programs_formula_core_with_compound_head():
    assert _names("该校推行“2+N”结对帮扶机制，成效明显。") == ["2+N结对帮扶机制"]


def test_programs_runby_subject_carries_along_comma_chain():
    body = "新建厂房两座；东河镇王庄村党支部领办养殖合作社，注册“王庄黑猪”品牌，带动群众增收。"
    i = body.index("王庄村党支部")
    org = Mention(source="p.txt", article=0, type="organization", name="王庄村党支部", text="王庄村党支部",
                  start=BASE + i, end=BASE + i + 6, sentence="", links=())
    (program,) = _run(body, organizations=(org,))[1]
    assert program.name == "王庄黑猪品牌"
    assert Link("runBy", "organization", "王庄村党支部") in program.links
    # an honour received in the chain is not run by the subject
    body = "王庄村党支部领办养殖合作社，荣获“示范合作社”称号。"
    org = Mention(source="p.txt", article=0, type="organization", name="王庄村党支部", text="王庄村党支部",
                  start=BASE, end=BASE + 6, sentence="", links=())
    assert all(Link("runBy", "organization", "王庄村党支部") not in m.links
               for m in _run(body, organizations=(org,))[1])


def test_programs_run_by_short_back_reference_to_a_unit_named_before():
    # 集团党委 names the story's one group committee named in full before: it runs the program
    body = "青峰化工集团党委开展“红旗岗”创建活动。集团党委与省农业大学签订共建协议，联合实施“揭榜攻坚”项目。"
    orgs = (_org(body, "青峰化工集团党委", "青峰化工集团党委"), _org(body, "省农业大学", "山东农业大学"))
    assert _run_by(body, *orgs)["揭榜攻坚项目"] == ["青峰化工集团党委"]
    # a determiner may open the reference
    body = "石桥建材有限公司党委成立于2010年。该公司党委推行“车间夜校”制度，成效明显。"
    org = _org(body, "石桥建材有限公司党委", "石桥建材有限公司党委")
    assert _run_by(body, org)["车间夜校制度"] == ["石桥建材有限公司党委"]


def test_programs_run_by_short_back_reference_needs_one_owner_and_a_word_boundary():
    # two group committees end with 集团党委: the reference is ambiguous
    body = "青峰化工集团党委、白马物流集团党委签订协议。集团党委实施“揭榜攻坚”项目。"
    orgs = (_org(body, "青峰化工集团党委", "青峰化工集团党委"), _org(body, "白马物流集团党委", "白马物流集团党委"))
    assert _run_by(body, *orgs)["揭榜攻坚项目"] == []
    # 矿业集团党委 is another group's committee, not a reference to 青峰化工集团党委
    body = "青峰化工集团党委召开会议。东山矿业集团党委实施“揭榜攻坚”项目。"
    assert _run_by(body, _org(body, "青峰化工集团党委", "青峰化工集团党委"))["揭榜攻坚项目"] == []


def test_programs_run_by_body_opening_the_programs_own_clause():
    # the clause names its own body (with its secretary) before the launching verb
    body = "东城街道党工委在新华社区试点“红色楼道”建设，社区党委书记张某带领党员骨干组建“新华帮帮团”，服务居民。"
    orgs = (_org(body, "东城街道党工委", "东城街道党工委"), _org(body, "社区党委", "新华社区党委"))
    assert _run_by(body, *orgs) == {"红色楼道": ["东城街道党工委"], "新华帮帮团": ["新华社区党委"]}


def test_programs_service_station_is_a_head_noun():
    assert _names("街道在各社区建成“红色管家”服务站，就近办理事项。") == ["红色管家服务站"]
