"""Loads rule data and gazetteers shipped in `kg/data/`, once each.

Rule files are UTF-8 TSV with a header row; blank lines and lines starting
with `#` are comments. A bad row raises `ResourceError` naming file and line.
"""
from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path

from kg.errors import ResourceError

DATA_DIR = Path(__file__).parent / "data"


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ResourceError(f"{path}: cannot read rule file ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 at byte {exc.start}") from exc


@lru_cache(maxsize=None)
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of `kg/data/<name>` (TSV with header) as dicts; comments skipped."""
    path = DATA_DIR / name
    lines = [(n, line) for n, line in enumerate(_read(path).splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise ResourceError(f"{path}: no header row")
    header = lines[0][1].split("\t")
    rows = []
    for n, line in lines[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ResourceError(f"{path}:{n}: expected {len(header)} tab-separated fields, found {len(cells)}")
        rows.append(dict(zip(header, (c.strip() for c in cells))))
    return tuple(rows)


@lru_cache(maxsize=None)
def load_words(name: str) -> tuple[str, ...]:
    """One entry a line from `kg/data/<name>`; comments and blanks skipped."""
    path = DATA_DIR / name
    return tuple(line.strip() for line in _read(path).splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


@lru_cache(maxsize=None)
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a comma-separated gazetteer file with a header row."""
    path = DATA_DIR / name
    return tuple(csv.DictReader(io.StringIO(_read(path))))
