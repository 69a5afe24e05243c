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
