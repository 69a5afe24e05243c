import pytest

from kg.errors import PageError
from kg.read import decode_page, expand_inputs, read_pages


def test_read_decodes_utf8_with_bom():
    assert decode_page("a.txt", "\ufeff本报讯".encode("utf-8")).text == "本报讯"


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"", "empty page"),
        (b"  \n\t ", "empty page"),
        ("本报".encode("gb18030") + b"\xff\xfe", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
    ],
)
def test_read_bad_page_gives_one_line_error_naming_the_file(raw, problem):
    with pytest.raises(PageError) as caught:
        decode_page("bad.txt", raw)
    message = str(caught.value)
    assert message.startswith("bad.txt: ") and problem in message and "\n" not in message


def test_read_not_utf8_error_gives_byte_offset():
    with pytest.raises(PageError, match="offset 3"):
        decode_page("x.txt", "党".encode() + b"\xff")


def test_read_missing_path_is_reported_and_directories_are_recursed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "a.txt").write_text("甲", encoding="utf-8")
    (tmp_path / "skip.md").write_text("丙", encoding="utf-8")
    files, missing = expand_inputs([tmp_path, tmp_path / "nope.txt"])
    assert [f.name for f in files] == ["a.txt", "b.txt"]
    assert len(missing) == 1 and "no such file" in str(missing[0])


def test_read_pages_yields_errors_in_place_of_bad_pages(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("本报讯", encoding="utf-8")
    bad.write_bytes(b"")
    out = list(read_pages([bad, good]))
    assert isinstance(out[0], PageError) and out[1].text == "本报讯"


# ---------------------------------------------------------------- encodings and hostile bytes
import codecs  # noqa: E402
import os  # noqa: E402

from kg.read import decode_page_with_warnings, decode_text, load_inputs, read_page, unique_names  # noqa: E402

NEWS = "本报梁山讯（通讯员 王某）近日，梁山县馆驿镇开展“四联四助”行动，走访群众120户。\n"


def test_read_gb18030_chinese_is_decoded_with_a_warning():
    decoded = decode_text("gb.txt", NEWS.encode("gbk"))
    assert decoded.text == NEWS and decoded.encoding == "gb18030" and "GB18030" in decoded.warnings[0]


def test_read_damaged_utf8_chinese_is_an_error_not_gb18030_mojibake():
    raw = "党建工作".encode() + b"\x81" + "党组织".encode()
    assert raw.decode("gb18030")  # it would "decode", into nonsense
    with pytest.raises(PageError, match="undecodable byte 0x81 at offset 12; 1 bad byte sequence"):
        decode_text("bad.txt", raw)


@pytest.mark.parametrize("encoding", ["shift_jis", "euc-jp"])
def test_read_japanese_legacy_encodings_are_not_taken_for_gb18030(encoding):
    with pytest.raises(PageError, match="not GB18030 Chinese"):
        decode_text("jp.txt", "日本の新聞記事です。東京都で会議が開かれました。".encode(encoding))


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
                                        (codecs.BOM_UTF32_LE, "utf-32-le")])
def test_read_utf16_and_utf32_with_byte_order_mark_are_decoded(bom, codec):
    decoded = decode_text("u.txt", bom + NEWS.encode(codec))
    assert decoded.text == NEWS and "byte order mark" in decoded.warnings[0]


def test_read_utf16_cut_in_half_a_character_names_the_byte_offset():
    with pytest.raises(PageError, match="undecodable at byte offset 6"):
        decode_text("u.txt", codecs.BOM_UTF16_LE + "党建".encode("utf-16-le") + b"\x41")


def test_read_utf8_cut_inside_its_last_character_keeps_the_rest_with_a_warning():
    decoded = decode_text("cut.txt", NEWS.encode() + "党".encode()[:2])
    assert decoded.text == NEWS and "2 trailing byte(s) were dropped" in decoded.warnings[0]


@pytest.mark.parametrize("raw, kind", [(b"%PDF-1.4\n", "PDF document"), (b"\xff\xd8\xff\xe0", "JPEG image"),
                                       (b"PK\x03\x04xx", "ZIP archive"), ("甲乙\x00丙".encode(), "NUL byte at offset 6")])
def test_read_binary_files_are_named_by_kind(raw, kind):
    with pytest.raises(PageError, match="binary file") as caught:
        decode_text("b.txt", raw)
    assert kind in str(caught.value)


def test_read_control_characters_and_markup_are_warned_of_but_kept():
    text = "本报讯\x07（记者 甲）<script>x</script>"
    page, warnings = decode_page_with_warnings("c.txt", text.encode())
    assert page.text == text
    assert [w.source for w in warnings] == ["c.txt", "c.txt"]
    assert "U+0007 at offset 3" in str(warnings[0]) and "HTML markup" in str(warnings[1])


def test_read_page_of_invisible_characters_is_empty():
    with pytest.raises(PageError, match="empty page"):
        decode_page("z.txt", "\ufeff\u200b\ufffd\n".encode())


def test_read_size_limit_is_checked_before_reading(tmp_path):
    page = tmp_path / "big.txt"
    page.write_bytes(NEWS.encode())
    with pytest.raises(PageError, match="over the 10 bytes limit.*--max-bytes N or --allow-large"):
        read_page(page, max_bytes=10)
    assert read_page(page, max_bytes=None).text == NEWS


def test_read_hidden_directories_are_skipped_and_pageless_directories_reported(tmp_path):
    (tmp_path / "pages" / ".git").mkdir(parents=True)
    (tmp_path / "pages" / ".git" / "x.txt").write_text("甲", encoding="utf-8")
    (tmp_path / "pages" / "a.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    files, problems = expand_inputs([tmp_path / "pages", tmp_path / "empty"])
    assert [f.name for f in files] == ["a.txt"]
    assert [str(p) for p in problems] == [f"{tmp_path / 'empty'}: directory holds no page files matching *.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_special_file_is_reported_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    files, problems = expand_inputs([tmp_path / "pipe.txt"])
    assert files == [] and "not a regular file" in str(problems[0])


def test_read_pages_of_the_same_name_keep_the_first_and_report_the_others(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "p.txt").write_text(NEWS, encoding="utf-8")
    kept, clashes = unique_names(expand_inputs([tmp_path / "y", tmp_path / "x"])[0])
    assert kept == [tmp_path / "x" / "p.txt"] and "same name" in str(clashes[0])
    loaded = load_inputs([tmp_path])
    assert [p.source for p in loaded.pages] == ["p.txt"] and len(loaded.errors) == 1


def test_read_offsets_after_a_utf8_byte_order_mark_count_the_mark():
    # found by scripts/fuzz_build.py: the utf-8-sig codec reports offsets without the mark
    with pytest.raises(PageError, match="undecodable byte 0xff at offset 6"):
        decode_text("b.txt", codecs.BOM_UTF8 + b"abc\xff")
    decoded = decode_text("b.txt", codecs.BOM_UTF8 + b"abc\xe0")
    assert decoded.text == "abc" and "byte offset 6" in decoded.warnings[0]
