"""The official-division gazetteer: loading, codes, short forms, village names, zones, the cache."""
import marshal
import shutil
import zlib
from pathlib import Path
from typing import Callable, NamedTuple

import pytest

import kg.gazetteer as gazetteer_module
from kg.gazetteer import (ALIAS, CACHE_FILE, CACHE_MAGIC, CONTEXT_ALIAS, ROWS_CACHE_FILE, cache_dir, division_rows,
                          load_gazetteer, read_division_rows, read_gazetteer, short_forms, village_name)
from kg.resources import DATA_DIR, load_csv

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


def test_gazetteer_finds_surfaces_by_end_longest_first(gazetteer):
    # 城区 is a surface too: overlapping forms all come back, ordered by where they end
    assert list(gazetteer.find_surfaces("去济宁市任城区")) == [
        (1, 3, "济宁"), (1, 4, "济宁市"), (4, 6, "任城"), (4, 7, "任城区"), (5, 7, "城区")]
    assert list(gazetteer.find_surfaces("宁")) == [] and list(gazetteer.find_surfaces("")) == []


def _every_surface(gazetteer, text):
    """`find_surfaces` the slow way: every substring the gazetteer can read, by end, longest first."""
    longest = max(map(len, gazetteer._readings))
    return [(start, end, text[start:end]) for end in range(len(text) + 1) for start in range(max(0, end - longest), end)
            if gazetteer.candidates(text[start:end])]


@pytest.mark.parametrize("text", [
    # forms ending in pairs that end names of many lengths (`社区`, `街道`, `新区`), which the
    # index looks up by their last three characters; and the same pairs used as plain words
    "梁山县水泊街道办事处东平社区和任城区唐口街道梁南村，济宁太白湖新区许庄街道，城市社区、街道社区",
    # forms at the very start and end of the text, short forms, overlaps, and pairs that end none
    "街道工作社区治理，曲阜市尼山镇、金乡街道、嘉祥经开区；乡村振兴资源共享，山东济南",
    "社区", "区", "",
])
def test_gazetteer_find_surfaces_finds_every_surface(gazetteer, text):
    assert list(gazetteer.find_surfaces(text)) == _every_surface(gazetteer, text)


def test_gazetteer_find_surfaces_on_the_seed_pages(gazetteer):
    pages = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert list(gazetteer.find_surfaces(text)) == _every_surface(gazetteer, text), page.name


def test_gazetteer_end_index_looks_up_busy_pairs_by_three_characters():
    index = gazetteer_module._end_index(["甲乙社区", "甲乙丙社区", "乙丙丁戊社区", "丙丁戊己庚社区", "丁戊己庚辛壬社区", "社区", "镇街道"])
    assert index["社区"] == (gazetteer_module.BY_LAST_THREE, 2)  # five lengths: by three characters
    assert index["乙社区"] == (4,) and index["丙社区"] == (5,) and index["戊社区"] == (6,)
    assert index["庚社区"] == (7,) and index["壬社区"] == (8,)
    assert index["街道"] == (3,) and "镇街道" not in index  # one length: by the pair


def test_gazetteer_chain_of_a_division_made_by_hand(gazetteer):
    (village,) = gazetteer.named("梁南村", "village")
    copy = gazetteer_module.Division(village.key, village.name, village.type, village.code, village.parent)
    assert gazetteer.chain(copy)[0] is copy and gazetteer.chain(copy)[1:] == gazetteer.chain(village)[1:]
    assert gazetteer.chain(village)[0] is village and gazetteer.ancestor(copy, "city").name == "济宁市"


# ---------------------------------------------------------------- cache across runs
SAMPLE_TEXT = "济宁经开区、太白湖新区和任城区唐口街道梁南村，到曲阜市尼山镇"


def _answers(gazetteer):
    """What a page build asks of the gazetteer, for a few places of every kind."""
    (village,) = gazetteer.named("梁南村", "village")
    (zone,) = gazetteer.named("济宁经济技术开发区", "county")
    return (
        [gazetteer.get(key) for key in (JINING, village.key, zone.key, "no such key")],
        gazetteer.by_code(JINING), gazetteer.by_code(zone.key),
        gazetteer.children(JINING), gazetteer.children(village.key),
        gazetteer.chain(village), gazetteer.ancestor(village, "city"), gazetteer.contains(zone, village),
        [gazetteer.candidates(s) for s in ("梁山", "济宁", "经开区", "高新区", "唐口街道", "无此地名")],
        list(gazetteer.find_surfaces(SAMPLE_TEXT)),
        len(gazetteer.divisions), JINING in gazetteer.divisions, gazetteer.divisions[village.key],
    )


def _rows_answers(rows):
    return rows


@pytest.fixture(scope="module")
def tables():
    return gazetteer_module._build_tables()


@pytest.fixture(scope="module")
def cache_files(tmp_path_factory, tables):
    """A cache folder written by a first load of the gazetteer and of the division rows."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gazetteer_module, "_build_tables", lambda: tables)
        read_gazetteer(folder)
    read_division_rows(folder)
    return folder


@pytest.fixture
def builds(monkeypatch, tables):
    """Counts the loads that build from kg/data (each build gives the same result as the first)."""
    calls = []
    monkeypatch.setattr(gazetteer_module, "_build_tables", lambda: calls.append("tables") or tables)
    monkeypatch.setattr(gazetteer_module, "load_csv", lambda name: calls.append(name) or load_csv(name))
    return calls


@pytest.fixture
def cache(tmp_path, cache_files):
    """A cache folder of its own holding fresh copies of the cache files."""
    folder = tmp_path / "cache"
    shutil.copytree(cache_files, folder)
    return folder


class Kind(NamedTuple):
    """One kind of cache file: how it is read, its name, what a build asks of what it reads, what builds it."""

    name: str
    read: Callable
    file_name: str
    answers: Callable
    built_by: str


KINDS = {kind.name: kind for kind in (
    Kind("gazetteer", read_gazetteer, CACHE_FILE, _answers, "tables"),
    Kind("division-rows", read_division_rows, ROWS_CACHE_FILE, _rows_answers, "divisions.csv"),
)}


@pytest.fixture(params=KINDS)
def kind(request):
    return KINDS[request.param]


@pytest.fixture(scope="module")
def fresh(tables):
    """What a build asks of each kind, read straight from kg/data."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gazetteer_module, "_build_tables", lambda: tables)
        return {"gazetteer": _answers(read_gazetteer(None)), "division-rows": load_csv("divisions.csv")}


def test_gazetteer_second_load_reads_the_cache_and_answers_the_same(cache, builds, kind, fresh):
    assert kind.answers(kind.read(cache)) == fresh[kind.name]
    assert builds == []


def test_gazetteer_first_load_writes_the_cache(tmp_path, builds, kind, fresh):
    folder = tmp_path / "new" / "dangjian-kg"
    assert kind.answers(kind.read(folder)) == fresh[kind.name]
    assert builds == [kind.built_by] and (folder / kind.file_name).is_file()
    assert kind.answers(kind.read(folder)) == fresh[kind.name]
    assert builds == [kind.built_by]
    assert [p.name for p in folder.iterdir()] == [kind.file_name]  # no temporary file left behind


def test_gazetteer_division_rows_are_the_csv_rows():
    assert division_rows() == load_csv("divisions.csv")


def _rename_a_town(blob: bytes) -> bytes:
    """One name changed inside the file, which still reads as well-formed: only the checksum tells."""
    assert "唐口街道".encode() in blob
    return blob.replace("唐口街道".encode(), "唐口大道".encode())


def _swap_end_index(replacement):
    def swap(blob: bytes) -> bytes:
        """A sound cache whose index of surface forms is some other value."""
        head = len(CACHE_MAGIC) + 16
        packed, _ = marshal.loads(blob[head + 4:])
        body = marshal.dumps((packed, replacement))
        return blob[:head] + zlib.crc32(body).to_bytes(4, "little") + body
    return swap


def _other_value(blob: bytes) -> bytes:
    """A sound cache file holding a value of the wrong shape."""
    head = len(CACHE_MAGIC) + 16
    body = marshal.dumps(("not", "the", "tables"))
    return blob[:head] + zlib.crc32(body).to_bytes(4, "little") + body


@pytest.mark.parametrize("damage", [
    lambda blob: b"",
    lambda blob: blob[: len(blob) // 2],
    _rename_a_town,
    lambda blob: blob.replace(CACHE_MAGIC, b"x" * len(CACHE_MAGIC), 1),
    _other_value,
], ids=["empty", "truncated", "renamed-inside", "other-format", "other-value"])
def test_gazetteer_damaged_cache_is_ignored_and_rebuilt(cache, builds, kind, fresh, damage):
    path = cache / kind.file_name
    path.write_bytes(damage(path.read_bytes()))
    assert kind.answers(kind.read(cache)) == fresh[kind.name]
    assert builds == [kind.built_by]
    kind.read(cache)  # the rebuilt file is sound again
    assert builds == [kind.built_by]


def test_gazetteer_cache_without_an_end_index_is_rebuilt(gazetteer, cache, builds):
    path = cache / CACHE_FILE
    path.write_bytes(_swap_end_index([])(path.read_bytes()))
    assert _answers(read_gazetteer(cache)) == _answers(gazetteer)
    assert builds == ["tables"]


def test_gazetteer_changed_data_file_makes_the_cache_stale(cache, builds, kind, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setattr(gazetteer_module, "DATA_DIR", data)
    kind.read(cache)
    assert builds == []
    with (data / "divisions.csv").open("a", encoding="utf-8") as out:
        out.write("\n")
    kind.read(cache)
    assert builds == [kind.built_by]


def test_gazetteer_loads_without_a_writable_cache_folder(tmp_path, builds, kind, fresh):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert kind.answers(kind.read(blocker / "dangjian-kg")) == fresh[kind.name]
    assert kind.answers(kind.read(None)) == fresh[kind.name]
    assert builds == [kind.built_by, kind.built_by]


def test_gazetteer_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "dangjian-kg"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec: ignore a relative path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "dangjian-kg"


def test_gazetteer_divisions_mapping_makes_each_division_once(gazetteer):
    assert gazetteer.divisions[JINING] is gazetteer.get(JINING) is gazetteer.by_code(JINING)
    assert gazetteer.divisions.get("no such key") is None
    with pytest.raises(KeyError):
        gazetteer.divisions["no such key"]
