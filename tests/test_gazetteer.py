"""The official-division gazetteer: loading, codes, short forms, village names, zones."""
import pytest

from kg.gazetteer import CONTEXT_ALIAS, ALIAS, load_gazetteer, short_forms, village_name
from kg.resources import load_csv

JINING = "370800000000"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_gazetteer_is_loaded_once():
    assert load_gazetteer() is load_gazetteer()


def test_gazetteer_county_codes_of_jining_match_the_file(gazetteer):
    rows = [r for r in load_csv("divisions.csv") if r["parent_code"] == JINING and r["level"] == "county"]
    assert len(rows) == 12  # the 11 legal counties and the high-tech zone
    for row in rows:
        county = gazetteer.by_code(row["code"])
        assert county is not None and county.name == row["name"] and county.type == "county"
        assert gazetteer.parent(county).name == "济宁市"
        assert county in gazetteer.named(row["name"], "county")
    children = {d.name for d in gazetteer.children(JINING)}
    assert {r["name"] for r in rows} <= children


def test_gazetteer_chain_runs_from_village_to_province(gazetteer):
    (village,) = gazetteer.named("梁南村", "village")
    assert [d.name for d in gazetteer.chain(village)] == ["梁南村", "唐口街道", "任城区", "济宁市", "山东省"]
    assert gazetteer.ancestor(village, "county").code == "370811000000"


def test_gazetteer_placeholder_rows_are_no_places(gazetteer):
    assert gazetteer.named("市辖区") == ()
    (district,) = gazetteer.named("东城区", "county")
    assert gazetteer.parent(district).name == "北京市"
    assert gazetteer.parent(district).type == "province"


def test_gazetteer_township_rows_without_town_suffix_are_not_towns(gazetteer):
    assert gazetteer.named("济东物业服务中心") == ()
    assert all(d.type == "town" for d in gazetteer.named("唐口街道"))


@pytest.mark.parametrize("raw, expected", [
    ("梁南村村委会", ("梁南村", "village")),
    ("梁南村民委员会", ("梁南村", "village")),
    ("西王村村委委员会", ("西王村", "village")),
    ("永续社区居民委员会", ("永续社区", "community")),
    ("西门社区居委会", ("西门社区", "community")),
    ("航运新村居委会", ("航运新村社区", "community")),
    ("刘村", ("刘村", "village")),
    ("煤机厂类似居委会", None),
    ("种猪场生活区", None),
])
def test_gazetteer_village_suffixes_are_stripped(raw, expected):
    assert village_name(raw) == expected


def test_gazetteer_village_rows_carry_stripped_names(gazetteer):
    (community,) = gazetteer.named("永续社区", "community")
    assert gazetteer.parent(community).name == "中都街道"
    assert not any(d.name.endswith("委员会") for d in gazetteer.children(community.parent))


@pytest.mark.parametrize("name, type_, expected", [
    ("梁山县", "county", ("梁山",)),
    ("曲阜市", "county", ("曲阜",)),
    ("任城区", "county", ("任城",)),
    ("长阳土家族自治县", "county", ("长阳",)),
    ("山东省", "province", ("山东",)),
    ("内蒙古自治区", "province", ("内蒙古",)),
    ("广西壮族自治区", "province", ("广西",)),
    ("新疆维吾尔自治区", "province", ("新疆",)),
    ("济宁市", "city", ("济宁",)),
    ("恩施土家族苗族自治州", "city", ("恩施", "恩施州")),
    ("城区", "county", ()),  # one character left: no short form
    ("济宁高新技术产业开发区", "county", ()),
])
def test_gazetteer_short_forms_follow_the_suffix_grammar(name, type_, expected):
    assert short_forms(name, type_) == expected


def test_gazetteer_short_form_reads_as_the_county(gazetteer):
    readings = gazetteer.candidates("梁山")
    assert [(r.division.name, r.form) for r in readings] == [("梁山县", "short")]


def test_gazetteer_functional_zones_hang_off_their_city(gazetteer):
    for name in ("济宁经济技术开发区", "济宁太白湖新区"):
        (zone,) = gazetteer.named(name, "county")
        assert zone.code is None and zone.parent == JINING
    (high_tech,) = gazetteer.named("济宁高新技术产业开发区", "county")
    assert high_tech.code == "370871000000"
    assert {(r.division.name, r.form) for r in gazetteer.candidates("经开区")} == {("济宁经济技术开发区", CONTEXT_ALIAS)}
    assert {(r.division.name, r.form) for r in gazetteer.candidates("太白湖新区")} == {("济宁太白湖新区", ALIAS)}
    assert "济宁高新技术产业开发区" in {r.division.name for r in gazetteer.candidates("高新区")}


def test_gazetteer_finds_surfaces_with_offsets(gazetteer):
    text = "到曲阜市尼山镇"
    hits = {(s, e, f) for s, e, f in gazetteer.find_surfaces(text)}
    assert (1, 4, "曲阜市") in hits and (1, 3, "曲阜") in hits and (4, 7, "尼山镇") in hits
