"""Input pages: files on disk -> Page values, with one clear error per bad file."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import PageError
from kg.model import Page

# A page is text: a NUL byte within the first block means an image, a PDF, an archive.
_BINARY_PROBE = 8192


def decode_page(source: str, raw: bytes) -> Page:
    """Decode one page's bytes (UTF-8, with or without BOM) or raise PageError naming the problem."""
    if b"\x00" in raw[:_BINARY_PROBE]:
        raise PageError(source, "binary file (NUL byte found), not a text page")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PageError(source, f"not UTF-8 (undecodable byte at offset {exc.start})") from None
    if not text.strip():
        raise PageError(source, "empty page (no text)")
    return Page(source=source, text=text)


def read_page(path: Path) -> Page:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PageError(path.name, f"cannot read ({exc.strerror})") from None
    return decode_page(path.name, raw)


def expand_inputs(paths: Iterable[Path], glob: str = "*.txt") -> tuple[list[Path], list[PageError]]:
    """Files named and files under directories named (sorted), plus errors for missing paths."""
    files: list[Path] = []
    missing: list[PageError] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob(glob) if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(PageError(str(path), "no such file or directory"))
    return sorted(set(files), key=lambda p: (p.name, str(p))), missing


def read_pages(paths: Iterable[Path]) -> Iterator[Page | PageError]:
    for path in paths:
        try:
            yield read_page(path)
        except PageError as err:
            yield err
