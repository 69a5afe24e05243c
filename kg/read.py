"""Input pages: files on disk -> Page values, with one clear line per bad file.

Nothing is guessed into mojibake and a page's text is never altered: offsets
in the graph point into `Page.text`, the decoded file exactly as it was.

Encodings, tried in this order (the rule `decode_text` applies):

1. a UTF-32 or UTF-16 byte order mark -> that encoding, strictly;
2. otherwise a NUL byte or a known file signature (PDF, PNG, JPEG, ZIP/DOCX,
   ...) -> binary, not a page;
3. valid UTF-8 (a UTF-8 byte order mark is dropped) -> UTF-8; a multi-byte
   character cut off by the very end of the file (a truncated download) is
   dropped with a warning;
4. not UTF-8, but decoding cleanly as GB18030 (which includes GBK and
   GB2312) *and* looking like Chinese text -> GB18030, with a warning.
   "Looks like Chinese" means: at least 30% of the non-whitespace characters
   are CJK ideographs, CJK punctuation or full-width forms, and at most 1%
   fall in the private use area (where GB18030 puts byte pairs no real text
   uses); and, as simplified Chinese keeps to GB2312, at least 90% of the
   ideographs are in GB2312 (Shift-JIS read as GBK gives rare characters
   outside it) and at most 5% of the characters are kana (EUC-JP read as
   GB2312 gives kana). EUC-KR Korean still passes: it lands on common
   characters, and only the warning tells. Not when the bytes read as UTF-8,
   bad bytes set aside, already look
   like Chinese: that is a UTF-8 page with a few damaged bytes, and UTF-8
   Chinese also "decodes" as GB18030 (into mojibake) often enough;
5. anything else -> an error naming the first byte that is not UTF-8 and its
   offset.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import PageError
from kg.model import Page

# A page is ~20 KB; a file a thousand times larger is a mistake (a dump, a video) until the user says otherwise.
DEFAULT_MAX_BYTES = 50_000_000

# GB18030 is accepted only for text that reads as Chinese (see the module docstring).
MIN_CJK_SHARE = 0.30
MAX_PRIVATE_USE_SHARE = 0.01

# File signatures of what is most often saved as .txt by mistake.
_SIGNATURES = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"{\\rtf", "RTF document"),
    (b"\x7fELF", "executable"),
)

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# C0 controls other than tab, line feed and carriage return, DEL and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
# Markup a web copy saved as source rather than as text.
_MARKUP = re.compile(r"<\s*(?:script|style|html|body|div|p|br|span|a|table|td|li|iframe)\b[^>]*>", re.IGNORECASE)
# Characters that print nothing: a page of only these is empty.
_INVISIBLE = frozenset("\ufeff\u200b\u200c\u200d\u2060\ufffd")


@dataclass(frozen=True)
class PageWarning:
    """A page that was read but deserves a look; `--strict` makes these fatal."""

    source: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "gb18030", "utf-16-le", ...
    warnings: tuple[str, ...] = ()


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3134F)


def looks_chinese(text: str) -> bool:
    """The GB18030 acceptance test of the module docstring."""
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    cjk = sum(1 for ch in visible if _is_cjk(ch))
    private = sum(1 for ch in visible if 0xE000 <= ord(ch) <= 0xF8FF)
    return cjk >= MIN_CJK_SHARE * len(visible) and private <= MAX_PRIVATE_USE_SHARE * len(visible)


MIN_GB2312_SHARE = 0.90
MAX_KANA_SHARE = 0.05


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def looks_mainland_chinese(text: str) -> bool:
    """`looks_chinese`, kept to GB2312 and without Japanese kana (the GB18030 rule of the module docstring)."""
    if not looks_chinese(text):
        return False
    ideographs = [ch for ch in text if 0x3400 <= ord(ch) <= 0x9FFF or 0x20000 <= ord(ch) <= 0x3134F]
    kana = sum(1 for ch in text if 0x3040 <= ord(ch) <= 0x30FF)
    common = sum(1 for ch in ideographs if _in_gb2312(ch))
    return common >= MIN_GB2312_SHARE * len(ideographs) and kana <= MAX_KANA_SHARE * len(text)


def _binary_kind(raw: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if raw.startswith(magic):
            return kind
    nul = raw.find(b"\x00")
    if nul < 0:
        return None
    probe = raw[:4096]
    nuls = probe.count(0)
    if nuls >= 2 and max(probe[0::2].count(0), probe[1::2].count(0)) >= 0.8 * nuls:
        # ASCII in UTF-16 is every other byte NUL; decoding it without a byte order mark would be a guess
        return f"NUL byte at offset {nul}; UTF-16 without a byte order mark? save it as UTF-8"
    return f"NUL byte at offset {nul}"


def _decode_with_bom(source: str, raw: bytes) -> Decoded | None:
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                at = len(bom) + exc.start
                raise PageError(source, f"has a {name} byte order mark but is undecodable at byte offset {at}") from None
            return Decoded(text, codec, (f"decoded as {name} (byte order mark); save it as UTF-8 to silence this",))
    return None


def decode_text(source: str, raw: bytes) -> Decoded:
    """Bytes -> text by the rule of the module docstring, or PageError naming the problem."""
    decoded = _decode_with_bom(source, raw)
    if decoded is None:
        kind = _binary_kind(raw)
        if kind:
            raise PageError(source, f"binary file ({kind}), not a text page")
        decoded = _decode_utf8_or_chinese(source, raw)
    if "\x00" in decoded.text:
        raise PageError(source, f"binary file (NUL character at offset {decoded.text.index(chr(0))}), not a text page")
    return decoded


def _decode_utf8_or_chinese(source: str, raw: bytes) -> Decoded:
    # the BOM is cut here, not by the utf-8-sig codec, whose error offsets leave it out
    skip = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return Decoded(raw[skip:].decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        bad_at = skip + exc.start
        truncated = exc.reason == "unexpected end of data"
    if truncated:
        # a multi-byte character cut off by the end of the file: the rest is sound UTF-8
        return Decoded(raw[skip:bad_at].decode("utf-8"), "utf-8", (
            f"ends inside a UTF-8 character (byte offset {bad_at}); "
            f"the {len(raw) - bad_at} trailing byte(s) were dropped",))
    where = f"undecodable byte 0x{raw[bad_at]:02x} at offset {bad_at}"
    as_utf8 = raw.decode("utf-8", errors="replace")
    if looks_chinese(as_utf8.replace("\ufffd", "")):
        bad = as_utf8.count("\ufffd")
        raise PageError(source, f"not UTF-8 ({where}; {bad} bad byte sequence(s) in otherwise UTF-8 text)")
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and looks_mainland_chinese(text):
        return Decoded(text, "gb18030", ("decoded as GB18030/GBK (not UTF-8); save it as UTF-8 to silence this",))
    raise PageError(source, f"not UTF-8 ({where}) and not GB18030 Chinese text either")


def text_warnings(text: str) -> tuple[str, ...]:
    """What a decoded page holds that the reader should know of; the text itself is kept as it is."""
    found = []
    controls = list(_CONTROL.finditer(text))
    if controls:
        first = controls[0]
        found.append(f"{len(controls)} control character(s), the first U+{ord(first.group()):04X} "
                     f"at offset {first.start()}; kept in the text")
    markup = _MARKUP.search(text)
    if markup:
        found.append(f"contains HTML markup ({markup.group()[:20]!r} at offset {markup.start()}); "
                     "read as plain text")
    return tuple(found)


def _is_empty(text: str) -> bool:
    return not any(ch.isprintable() and not ch.isspace() and ch not in _INVISIBLE for ch in text)


def decode_page_with_warnings(source: str, raw: bytes) -> tuple[Page, tuple[PageWarning, ...]]:
    decoded = decode_text(source, raw)
    if _is_empty(decoded.text):
        raise PageError(source, "empty page (no text)" if not decoded.text else "empty page (no printable text)")
    problems = decoded.warnings + text_warnings(decoded.text)
    return Page(source=source, text=decoded.text), tuple(PageWarning(source, p) for p in problems)


def decode_page(source: str, raw: bytes) -> Page:
    """Decode one page's bytes or raise PageError naming the problem (warnings are dropped)."""
    return decode_page_with_warnings(source, raw)[0]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size} bytes"


def check_size(path: Path, max_bytes: int | None) -> None:
    if max_bytes is None:
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PageError(path.name, f"cannot read ({exc.strerror})") from None
    if size > max_bytes:
        raise PageError(path.name, f"{_megabytes(size)} is over the {_megabytes(max_bytes)} limit for a page "
                                   "(a page is ~20 KB); pass --max-bytes N or --allow-large to read it")


def read_page_with_warnings(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> tuple[Page, tuple[PageWarning, ...]]:
    check_size(path, max_bytes)
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise PageError(path.name, "is a directory, not a page") from None
    except OSError as exc:
        raise PageError(path.name, f"cannot read ({exc.strerror})") from None
    return decode_page_with_warnings(path.name, raw)


def read_page(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Page:
    return read_page_with_warnings(path, max_bytes)[0]


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def expand_inputs(paths: Iterable[Path], glob: str = "*.txt") -> tuple[list[Path], list[PageError]]:
    """Files named and files matching `glob` under directories named (sorted by name), plus an error
    for each path that is missing, not a regular file, or a directory without pages. Files under
    hidden directories (.git, a build's own .pages) are left out."""
    files: list[Path] = []
    problems: list[PageError] = []
    for path in paths:
        if path.is_dir():
            found = [p for p in path.rglob(glob) if p.is_file() and not _hidden(p, path)]
            if not found:
                problems.append(PageError(str(path), f"directory holds no page files matching {glob}"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            problems.append(PageError(str(path), "not a regular file or directory"))
        else:
            problems.append(PageError(str(path), "no such file or directory"))
    return sorted(set(files), key=lambda p: (p.name, str(p))), problems


def unique_names(files: Iterable[Path]) -> tuple[list[Path], list[PageError]]:
    """A page is known by its file name (its IRIs are made of it): of files sharing a name, the first
    in sorted order is kept and the others reported."""
    kept: dict[str, Path] = {}
    clashes: list[PageError] = []
    for path in files:
        if path.name in kept:
            clashes.append(PageError(str(path), f"another page has the same name ({kept[path.name]}); "
                                                "page names must be unique"))
        else:
            kept[path.name] = path
    return list(kept.values()), clashes


def read_pages(paths: Iterable[Path], max_bytes: int | None = DEFAULT_MAX_BYTES) -> Iterator[Page | PageError]:
    for path in paths:
        try:
            yield read_page(path, max_bytes)
        except PageError as err:
            yield err


@dataclass(frozen=True)
class Loaded:
    """The pages read from the inputs, the errors of those that could not be, and warnings."""

    pages: tuple[Page, ...]
    errors: tuple[PageError, ...]
    warnings: tuple[PageWarning, ...]


def load_inputs(paths: Iterable[Path], glob: str = "*.txt",
                max_bytes: int | None = DEFAULT_MAX_BYTES) -> Loaded:
    """Every page under `paths`, in name order whatever order the paths were given in."""
    files, errors = expand_inputs(paths, glob)
    files, clashes = unique_names(files)
    errors += clashes
    pages: list[Page] = []
    warnings: list[PageWarning] = []
    for path in files:
        try:
            page, found = read_page_with_warnings(path, max_bytes)
        except PageError as err:
            errors.append(err)
            continue
        pages.append(page)
        warnings.extend(found)
    return Loaded(tuple(pages), tuple(sorted(errors, key=lambda e: (e.source, e.problem))), tuple(warnings))
