"""Cuts a page into its stories: news (dateline), features (byline) and photo captions.

A page is raw text with columns interleaved, so the segmenter works on lines:

1. Anchors. Every dateline `本报X讯（通讯员 A B）`, byline `■本报通讯员 A B C` and photo
   credit `■通讯员 A 摄` opens one article. A photo's caption is the paragraph before its
   credit (continued back across a column break).
2. Gaps. Between two anchors lies the first story's body and then, at the end of the gap,
   a block of short lines without sentence punctuation: headline, place label, kicker,
   subtitle, page furniture. The block is found by walking back from the next anchor.
3. Layout. Some pages print each headline before its story, others after it. The page
   decides by evidence: what stands before the first story and after the last one.
   The block of a gap then goes to the story after it or to the story before it, unless the
   block's own place cue says otherwise (a page can mix both layouts): a block naming only the
   previous story's dateline place is that story's, one naming only the next story's place is
   the next one's, and one with the previous story's title on top and the next one's below is
   split. Headline runs that no story claims nearby are "orphans", given to a headline-less
   story whose place they name.
4. Web copies credit their writers in a metadata line ("作者：A B"); a story without a dateline
   or byline credit takes those names as its reporters.

Rules (furniture patterns, credit roles, headline join rules, place-label suffixes) are data
in `kg/data/segment_*.tsv`.
"""
from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, sub

from kg.errors import ResourceError
from kg.gazetteer import ALIAS, FULL, SHORT, division_rows, load_gazetteer
from kg.model import Article, Credit, Page
from kg.normalize import SENTENCE_ENDS, compact, fold_char, normalize
from kg.resources import load_table, load_words

# ---------------------------------------------------------------- rules


@lru_cache(maxsize=None)
def _furniture_pattern() -> re.Pattern:
    """The furniture patterns as one alternation: one search of a line instead of one per pattern."""
    return re.compile("|".join(f"(?:{row['pattern']})" for row in load_table("segment_furniture.tsv")))


@lru_cache(maxsize=None)
def _role_words() -> tuple[str, ...]:
    words = [row["word"] for row in load_table("segment_credit_roles.tsv")]
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def _role_or_paper() -> re.Pattern:
    """Any role word or 本报 anywhere in a string."""
    return re.compile("|".join(map(re.escape, ("本报", *_role_words()))))


@lru_cache(maxsize=None)
def _join_rules() -> tuple[frozenset[str], tuple[str, ...], int]:
    rows = load_table("segment_headline_join.tsv")
    starts = frozenset(r["value"] for r in rows if r["rule"] == "next_starts")
    ends = tuple(sorted((r["value"] for r in rows if r["rule"] == "prev_ends"), key=len, reverse=True))
    tails = [int(r["value"]) for r in rows if r["rule"] == "short_tail"]
    return starts, ends, (tails[0] if tails else 0)


@lru_cache(maxsize=None)
def _label_pattern() -> re.Pattern:
    suffixes = sorted((r["suffix"] for r in load_table("segment_place_labels.tsv")), key=len, reverse=True)
    part = "[\u4e00-\u9fff]{1,6}?(?:" + "|".join(map(re.escape, suffixes)) + ")"
    return re.compile(f"^(?:{part}){{1,3}}$")


@lru_cache(maxsize=None)
def _label_first_part() -> re.Pattern:
    suffixes = sorted((r["suffix"] for r in load_table("segment_place_labels.tsv")), key=len, reverse=True)
    return re.compile("^[\u4e00-\u9fff]{1,6}?(?:" + "|".join(map(re.escape, suffixes)) + ")")


@lru_cache(maxsize=None)
def _known_places() -> frozenset[str]:
    """County- and township-level division names and functional zones (official gazetteer)."""
    names = {row["name"] for row in division_rows() if row.get("level") in ("county", "township")}
    try:  # zones the gazetteer helper models as counties; labels still work from grammar without them
        zones = load_table("functional_zones.tsv")
    except ResourceError:
        zones = ()
    for row in zones:
        names.add(row.get("name", ""))
        names.update(a for a in (row.get("aliases") or "").split("|") if a)
    return frozenset(names)


def _is_county_name(text: str) -> bool:
    """Whether `text` is a county-level division's official name, its short form by the suffix grammar
    ("某某县", "某某") or a zone's alias: the place label printed over a county's story."""
    return any(r.division.type == "county" and r.form in _LABEL_FORMS for r in load_gazetteer().candidates(text))


_LABEL_FORMS = frozenset({FULL, SHORT, ALIAS})


LABEL_MAX_CHARS = 6  # an unknown place label is accepted only this short
TITLE_MAX_CHARS = 40  # a headline line is never longer
RUN_MAX_LINES = 4  # a headline is printed on at most this many lines
WRAPPED_MEDIAN = 40  # median line length under which a page is hard-wrapped in columns
FURNITURE_MAX_CHARS = 80

_CJK = "\u4e00-\u9fff"
_WS = "[\\s\ufffd\u3000]*"
_NAME_CHARS = re.compile(f"[{_CJK}·•]+")
_SENTENCE_FINAL = SENTENCE_ENDS | frozenset("…")
_CLOSERS = frozenset("”’」』》）)")
_MARKERS = "■●◆◇▲△□★☆•"

_DATELINE = re.compile(
    f"本{_WS}报{_WS}(?P<place>(?:[{_CJK}]{_WS}){{0,8}}?)"
    f"(?:[0-9０-９]+{_WS}月{_WS}[0-9０-９]+{_WS}日{_WS})?讯(?!{_WS}员)"  # not "本报通讯员"
)


@lru_cache(maxsize=None)
def _photo_credit() -> re.Pattern:
    """A photo credit from its role word on ("通讯员 A B 摄"); _photo_credits adds what stands before.

    Starting with the role words lets the regex engine jump to their first characters instead of
    trying the whole pattern at every position of the page. One line break may follow the role
    word: a credit set at the end of a caption line wraps there ("■通讯员\\n孟凡 摄").
    """
    roles = "|".join(map(re.escape, _role_words()))
    return re.compile(
        f"(?:{roles})[ \\t\u3000:：]*(?:\\r?\\n[ \\t\u3000]*)?"
        f"(?P<names>[{_CJK}·][{_CJK}·\\s\u3000、，,]{{0,30}}?)[ \\t\u3000]*摄(?:影)?(?=[\\s\ufffd）)]|$)"
    )


_CREDIT_LEAD_SPACE = " \t\u3000"


def _photo_credits(text: str):
    """(start, match) of each photo credit in the page: "■ 通讯员 A B 摄".

    The credit starts at its marker and the spaces before the role word (one marker at most), as
    a pattern "marker? spaces* role…" would match them; never before the end of the credit before it.
    """
    floor = 0
    for m in _photo_credit().finditer(text):
        start = m.start()
        while start > floor and text[start - 1] in _CREDIT_LEAD_SPACE:
            start -= 1
        if start > floor and text[start - 1] in _MARKERS:
            start -= 1
        floor = m.end()
        yield start, m


@lru_cache(maxsize=None)
def _byline_openers() -> frozenset[str]:
    """Characters a byline line can start with (a marker, 本报 or a role word): a cheap test first."""
    return frozenset(_MARKERS + _CREDIT_LEAD_SPACE + "本" + "".join(word[0] for word in _role_words()))


_BYLINE_GAP = re.compile("[\\s\u3000:：、，,]+")
_BYLINE_NAME = re.compile(f"[{_CJK}·]{{1,4}}")


def _is_byline(raw: str) -> bool:
    """A line that is only a role word and names: "■本报通讯员 A B C", "记者 A 通讯员 B"."""
    text = raw.lstrip(_MARKERS + " \t\u3000")
    if text.startswith("本报"):
        text = text[2:]
    roles = _role_words()
    if not text.startswith(roles):
        return False
    pieces = [p for p in _BYLINE_GAP.split(text) if p]
    names = 0
    for piece in pieces:
        for role in roles:
            if piece.startswith(role):
                piece = piece[len(role):]
                break
        if not piece:
            continue
        if not _BYLINE_NAME.fullmatch(piece):
            return False
        names += 1
    return names > 0


# ---------------------------------------------------------------- lines


@dataclass(slots=True)
class _Line:
    """One non-blank line of a page (made on demand by _Lines)."""

    start: int  # original offset of the first non-space character
    end: int  # original offset after the last non-space character
    raw: str  # the line without its surrounding whitespace
    compact: str  # whitespace removed
    blanks_before: int  # blank lines between this line and the previous non-blank one
    heading: bool  # a markdown heading ("# …")


class _Lines:
    """The non-blank lines of a page in page order, read like a list of _Line.

    Passes over the whole page need only the lines' offsets, text and lengths, kept here in plain
    lists; the _Line of a line is made the first time it is asked for (of a page's hundreds of lines
    a few dozen are ever looked at one by one).
    """

    def __init__(self, starts: list[int], ends: list[int], raws: list[str], squeezed: list[str],
                 blanks: list[int]):
        self.starts = starts  # _Line.start of each line
        self.ends = ends  # _Line.end
        self.raws = raws  # _Line.raw
        self.squeezed = squeezed  # _Line.compact before width folding (so of the same length)
        self.blanks = blanks  # _Line.blanks_before
        self._made: dict[int, _Line] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.starts)))]
        if index < 0:
            index += len(self.starts)
        line = self._made.get(index)
        if line is None:
            if not 0 <= index < len(self.starts):
                raise IndexError("line index out of range")
            raw = self.raws[index]
            line = _Line(self.starts[index], self.ends[index], raw, _fold_width(self.squeezed[index]),
                         self.blanks[index], raw[0] == "#")
            self._made[index] = line
        return line

    def __iter__(self):
        return map(self.__getitem__, range(len(self.starts)))


_EDGE_SPACE = " \t\u3000\ufffd\u00a0\u200b\ufeff"  # stripped off a line's ends for its raw text
_FULL_WIDTH_FORM = re.compile("[\uff00-\uffef]")  # the block where fold_char folds


@lru_cache(maxsize=None)
def _width_folding() -> dict[int, str]:
    """fold_char as a str.translate table."""
    table = {code: fold_char(chr(code)) for code in range(0xFF00, 0xFFF0)}
    return {code: ch for code, ch in table.items() if ch != chr(code)}


def _fold_width(text: str) -> str:
    """`text` with fold_char applied to every character (a search first: most lines need nothing)."""
    return text.translate(_width_folding()) if _FULL_WIDTH_FORM.search(text) else text


@lru_cache(maxsize=None)
def _line_squeezing() -> tuple[re.Pattern, re.Pattern]:
    """(word gap, dropped run): compact() of a whole page's lines at once, in C (see _squeeze_lines).

    compact() drops whitespace (exactly str.isspace), the control characters U+0000-U+001F and
    U+007F-U+009F and the fillers U+200B, U+FEFF, U+FFFD, and keeps one space between two ASCII
    words (full-width ones count, as they fold to ASCII). "\\n" stands for every line break here,
    so it is left out. tests/test_segment.py checks the result against compact() line by line.
    """
    spaces = (ch for ch in map(chr, range(0x10000)) if ch.isspace())  # none lies outside the BMP
    controls = map(chr, [*range(0x20), *range(0x7F, 0xA0)])
    dropped = "".join(sorted(set(spaces).union(controls, "\u200b\ufeff\ufffd") - {"\n"}))
    run = f"[{re.escape(dropped)}]+"
    wide = "".join(ch for ch in map(chr, range(0xFF00, 0xFFF0))
                   if fold_char(ch) != ch and fold_char(ch).isascii() and fold_char(ch).isalnum())
    word = f"[0-9A-Za-z{re.escape(wide)}]"
    return re.compile(f"({word}){run}(?={word})"), re.compile(run)


def _squeeze_lines(lines: list[str]) -> list[str]:
    """compact() of each line (kg.normalize.compact) but for the width folding (_fold_width does it),
    computed over the joined page: one regex pass each instead of several calls per line."""
    text = "\n".join(lines)
    gap_mark = next((ch for ch in map(chr, range(0xE000, 0xF900)) if ch not in text), None)
    if gap_mark is None:  # a page holding every private-use character: no free mark for word gaps
        return [compact(line) for line in lines]
    word_gap, dropped_run = _line_squeezing()
    text = word_gap.sub("\\1" + gap_mark, text)  # a private-use mark: dropped_run leaves it alone
    text = dropped_run.sub("", text).replace(gap_mark, " ")
    return text.split("\n")


def _split_lines(text: str) -> _Lines:
    bodies = text.splitlines()  # without their line breaks
    squeezed = _squeeze_lines(bodies)
    kept = [i for i, line in enumerate(squeezed) if line]  # the non-blank lines
    offsets = list(accumulate(map(len, text.splitlines(keepends=True)), initial=0))
    bodies = [bodies[i] for i in kept]
    raws = list(map(str.strip, bodies, repeat(_EDGE_SPACE)))
    leads = map(sub, map(len, bodies), map(len, map(str.lstrip, bodies, repeat(_EDGE_SPACE))))
    starts = list(map(add, (offsets[i] for i in kept), leads))
    ends = list(map(add, starts, map(len, raws)))
    blanks = [i - before - 1 for i, before in zip(kept, [-1, *kept])]
    return _Lines(starts, ends, raws, [squeezed[i] for i in kept], blanks)


def _content(line: _Line) -> str:
    """The line's compact text without markdown heading marks."""
    return line.compact.lstrip("#").strip() if line.heading else line.compact


# ---------------------------------------------------------------- credits


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    spaced_before: bool  # only spaces (no line break) separate it from the piece before


_SPACES_ONLY = re.compile("[ \t\u3000\u00a0]+")  # a gap between two names on one line


def _name_tokens(text: str, base: int) -> list[_Token]:
    """Runs of name characters in a credit, role words removed."""
    roles = _role_words()
    tokens: list[_Token] = []
    prev_end = 0
    for m in _NAME_CHARS.finditer(text):
        s, word = m.start(), m.group()
        # role words glued to names ("通讯员陈丛琪") are cut off the token
        if word in roles:  # a bare role word: the loop below would cut it whole
            s, word = s + len(word), ""
        changed = bool(word) and _role_or_paper().search(word) is not None  # most tokens are bare names
        while changed:
            changed = False
            for role in roles:
                if word.startswith(role):
                    s += len(role)
                    word = word[len(role):]
                    changed = True
                    break
            for role in roles:
                if word.endswith(role) and len(word) > len(role):
                    word = word[: -len(role)]
                    changed = True
                    break
            if word.startswith("本报"):
                s, word = s + 2, word[2:]
                changed = True
        if not word:
            prev_end = m.end()
            continue
        between = text[prev_end:s]
        spaced = bool(between) and _SPACES_ONLY.fullmatch(between) is not None
        tokens.append(_Token(base + s, base + s + len(word), word, spaced))
        prev_end = m.end()
    return tokens


def _merge_tokens(tokens: list[_Token]) -> list[_Token]:
    """A one-character piece is never a whole name: it joins its neighbour across a line break.

    Names are separated by spaces; a line break inside a name leaves a piece of a single
    character on one side of the break ("范某\\n青", "孟\\n某瑞"), which goes back onto the piece
    across the break. Two pieces separated by spaces only are two names and never join: in
    "周某某 孟\\n某瑞" the "孟" belongs to "某瑞", not to "周某某".
    """
    merged: list[_Token] = []
    for tok in tokens:
        if (merged and not tok.spaced_before and (len(tok.text) == 1 or len(merged[-1].text) == 1)
                and len(merged[-1].text) + len(tok.text) <= 4):
            prev = merged.pop()
            merged.append(_Token(prev.start, tok.end, prev.text + tok.text, prev.spaced_before))
        else:
            merged.append(tok)
    return [t for t in merged if len(t.text) >= 2]


def _credits(text: str, base: int, role: str) -> tuple[Credit, ...]:
    return tuple(Credit(t.text, role, t.start, t.end) for t in _merge_tokens(_name_tokens(text, base)))


@lru_cache(maxsize=None)
def _metadata_credit() -> re.Pattern:
    """A writer credit inside a web metadata line: "作者：甲乙 丙丁" up to the next field ("编辑：")."""
    words = {row["word"] for row in load_table("segment_metadata_credits.tsv")} | set(_role_words())
    keys = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    name = f"[{_CJK}·]{{2,4}}(?![{_CJK}·:：])"  # a whole name, never the next field's key
    return re.compile(f"(?:^|(?<=[\\s|｜丨/]))(?:{keys})[:：][ \t\u3000]*"
                      f"(?P<names>{name}(?:[ \t\u3000、，,]+{name})*)")


def _metadata_credits(lines: _Lines, lo_off: int, hi_off: int, datelines: frozenset[str]) -> tuple[Credit, ...]:
    """Reporters credited in the metadata lines (furniture) between lo_off and hi_off."""
    lo, hi = _line_range(lines.starts, lines.ends, lo_off, hi_off)
    found: list[Credit] = []
    for i in range(lo, hi):
        raw = lines.raws[i]
        if "：" not in raw and ":" not in raw:
            continue  # cheap test first
        line = lines[i]
        if _kind(line, datelines) != FURNITURE:
            continue
        for m in _metadata_credit().finditer(raw):
            found.extend(_credits(m.group("names"), line.start + m.start("names"), "reporter"))
    return tuple(found)


# ---------------------------------------------------------------- anchors


@dataclass(frozen=True)
class _Anchor:
    kind: str  # news / feature / photo
    start: int  # where the anchor's own text starts (dateline, byline line, caption)
    core_end: int  # end of the dateline/byline/credit
    body_start: int
    dateline: str | None
    credits: tuple[Credit, ...]
    body_end: int = -1  # photo: end of the caption text


_NOT_CJK = re.compile(f"[^{_CJK}]")
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CREDIT_OPEN = re.compile(f"{_WS}[（(【\\[]")
_CREDIT_CLOSE = re.compile("[）)】\\]]")
_BLANK_LINE_INSIDE = re.compile("\\n[ \\t\u3000]*\\n")
_CREDIT_STOP = re.compile("[。！？；（(【\\[“\"]")  # never inside a closed credit
_UNCLOSED_STOP = re.compile("[。！？；，,（(【\\[“\"]")  # where an unclosed credit surely ends


def _glued_name_length(run: str) -> int:
    openers = load_words("segment_body_openers.txt")
    for size in (2, 3):
        if run[size:].startswith(openers):
            return size
    return 3


def _dateline_at(text: str, m: re.Match) -> _Anchor:
    place = _NOT_CJK.sub("", m.group("place")) or None
    pos = m.end()
    rest = text[pos: pos + 120]
    opened = _CREDIT_OPEN.match(rest)
    if not opened:
        body = pos + len(rest) - len(rest.lstrip())
        return _Anchor("news", m.start(), pos, body, place, ())
    inner_start = pos + opened.end()
    inner = text[inner_start: inner_start + 80]
    close = _CREDIT_CLOSE.search(inner)
    credit = inner[: close.start()] if close else ""
    # compact() never lengthens a string: the short credit needs no compacting to pass the test
    if close and not _CREDIT_STOP.search(credit) and (len(credit) <= 40 or len(compact(credit)) <= 40):
        credits = _credits(inner[: close.start()], inner_start, "reporter")
        end = inner_start + close.end()
        tail = text[end: end + 4]
        body = end + len(tail) - len(tail.lstrip())
        return _Anchor("news", m.start(), end, body, place, credits)
    # no closing bracket: names are space-separated pieces of two to four characters
    stop = _UNCLOSED_STOP.search(inner)
    span = inner[: stop.start()] if stop else inner
    credits: list[Credit] = []
    body = inner_start
    for tok in _merge_tokens(_name_tokens(span, inner_start)):
        if len(tok.text) <= 4:
            credits.append(Credit(tok.text, "reporter", tok.start, tok.end))
            body = tok.end
            continue
        size = _glued_name_length(tok.text)  # the last name runs on into the body
        credits.append(Credit(tok.text[:size], "reporter", tok.start, tok.start + size))
        body = tok.start + size
        break
    tail = text[body: body + 4]
    body += len(tail) - len(tail.lstrip())
    return _Anchor("news", m.start(), body, body, place, tuple(credits))


def _find_anchors(text: str, lines: _Lines) -> list[_Anchor]:
    anchors = [_dateline_at(text, m) for m in _DATELINE.finditer(text)]
    for start, m in _photo_credits(text):
        if _BLANK_LINE_INSIDE.search(m.group("names")):
            continue  # a credit never runs over a blank line
        tokens = _merge_tokens(_name_tokens(m.group("names"), m.start("names")))
        if tokens and len(tokens) <= 6 and all(len(t.text) <= 4 for t in tokens):
            credits = tuple(Credit(t.text, "photographer", t.start, t.end) for t in tokens)
            anchors.append(_Anchor("photo", start, m.end(), start, None, credits))
    taken = sorted((a.start, a.core_end) for a in anchors)
    taken_starts = [t[0] for t in taken]
    openers = _byline_openers()
    for i, raw in enumerate(lines.raws):
        if raw[0] not in openers:  # cheap test first: no byline can start so
            continue
        line = lines[i]
        if len(line.compact) > 40 or line.compact.endswith("摄") or not _is_byline(line.raw):
            continue
        k = bisect.bisect_left(taken_starts, line.end)
        if k and taken[k - 1][1] > line.start:
            continue
        credits = _credits(line.raw, line.start, "reporter")
        if credits:
            tail = text[line.end: line.end + 200]
            body = line.end + len(tail) - len(tail.lstrip())
            anchors.append(_Anchor("feature", line.start, line.end, body, None, credits))
    anchors.sort(key=lambda a: a.start)
    kept: list[_Anchor] = []
    for a in anchors:  # an anchor inside another one's text is a false start
        if kept and a.start < kept[-1].core_end:
            continue
        kept.append(a)
    return kept


# ---------------------------------------------------------------- line kinds

# A character the normaliser keeps (not whitespace, not a control or filler character).
_PRINTED_CHAR = re.compile(r"[^\s\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff\ufffd\x00-\x1f\x7f-\x9f]")

BODY, TITLE, LABEL, KICKER, SUBTITLE, FURNITURE = "body", "title", "label", "kicker", "subtitle", "furniture"


def _is_furniture(line: _Line) -> bool:
    c = _content(line)
    if len(c) > FURNITURE_MAX_CHARS:
        return False
    return _furniture_pattern().search(c) is not None


_PHRASE_GAP = re.compile("[\\s\u3000\ufffd]+")
_KICKER_PHRASE = re.compile(f"[{_CJK}]{{2,6}}")
_LABEL_CHARS = re.compile(f"[{_CJK}]{{2,12}}")


def _phrases(line: _Line) -> list[str]:
    raw = line.raw.lstrip("#").strip()
    return [p for p in _PHRASE_GAP.split(raw) if p]


def _is_kicker(line: _Line, min_phrases: int) -> bool:
    parts = _phrases(line)
    return len(parts) >= min_phrases and all(_KICKER_PHRASE.fullmatch(p) for p in parts)


def _is_label(line: _Line, datelines: frozenset[str]) -> bool:
    c = _content(line)
    if not _LABEL_CHARS.fullmatch(c):
        return False
    if c in datelines:
        return True
    if not _label_pattern().match(c):
        return False
    first = _label_first_part().match(c)
    head = first.group() if first else c
    if head in _known_places() or c in _known_places():
        return True
    if any(head.startswith(d) for d in datelines if len(d) >= 2):
        return True
    return len(c) <= LABEL_MAX_CHARS


def _title_like(line: _Line) -> bool:
    c = _content(line)
    if not 2 <= len(c) <= TITLE_MAX_CHARS:
        return False
    if not _SENTENCE_FINAL.isdisjoint(c):
        return False
    if c[-1] in "，,、：:":
        return False
    if ("，" in c or "," in c) and not line.heading:
        return False
    return True


def _ends_sentence(line: _Line) -> bool:
    c = line.compact.rstrip("".join(_CLOSERS))
    return bool(c) and c[-1] in _SENTENCE_FINAL


def _kind(line: _Line, datelines: frozenset[str]) -> str:
    c = _content(line)
    if c.startswith(("—", "――", "--")) and len(c) <= TITLE_MAX_CHARS + 4:
        return SUBTITLE
    if _is_furniture(line):
        return FURNITURE
    if not _title_like(line):
        return BODY
    if _is_label(line, datelines):
        return LABEL
    if _is_kicker(line, 3):
        return KICKER
    return TITLE


# ---------------------------------------------------------------- headline text


def _printed_line(line: _Line) -> str:
    """The printed characters of a headline line, one space kept only between two phrases."""
    raw = line.raw.lstrip("#").strip() if line.heading else line.raw
    n = normalize(raw)
    out: list[str] = []
    for i, ch in enumerate(n.printed):
        if i and n.origin[i] - n.origin[i - 1] > 1 and out and out[-1] != " ":
            prev = n.printed[i - 1]
            if not (prev.isascii() or ch.isascii()):  # a space next to digits or letters is stray
                out.append(" ")
        out.append(ch)
    return "".join(out)


def _runs_on(upper: str, lower: str) -> bool:
    """Whether the line break between two headline lines falls inside one phrase."""
    starts, ends, tail = _join_rules()
    up, low = normalize(upper).printed, normalize(lower).printed
    if not up or not low:
        return True
    if low[0] in starts or any(up.endswith(e) for e in ends):
        return True
    if up.count("“") > up.count("”") or up.count("《") > up.count("》") or up.count("（") > up.count("）"):
        return True
    return len(low) <= tail and 2 * len(low) <= len(up)


def _join_headline(lines: list[_Line]) -> str | None:
    text = ""
    prev: str | None = None
    for line in lines:
        part = _printed_line(line)
        if prev is None:
            text = part
        else:
            text += ("" if _runs_on(prev, part) else " ") + part
        prev = part
    return text.strip() or None


# ---------------------------------------------------------------- gaps and groups


@dataclass(frozen=True)
class _Item:
    line: _Line
    kind: str


def _trailing_block(lines: _Lines, lo: int, hi: int, datelines: frozenset[str]) -> tuple[list[_Item], int]:
    """Headline-like lines at the end of lines[lo:hi], top to bottom, and the index where they start."""
    items: list[_Item] = []
    titles = 0
    i = hi - 1
    while i >= lo:
        line = lines[i]
        kind = _kind(line, datelines)
        if kind == BODY:
            break
        if kind in (TITLE, LABEL, SUBTITLE) and line.blanks_before == 0 and i - 1 >= lo:
            above = lines[i - 1]
            if _kind(above, datelines) == BODY and not _ends_sentence(above):
                break  # the last, short line of a paragraph, not a title
        if kind == TITLE:
            titles += 1
            if titles > 2 * RUN_MAX_LINES:
                break
        items.append(_Item(line, kind))
        i -= 1
    items.reverse()
    # A line that is only a county's name opening the block is its place label, not a headline
    # line, even when the headline below starts with the same place ("某某" over "某某县医院…").
    if len(items) >= 2 and items[0].kind == TITLE and _is_county_name(_content(items[0].line)):
        items[0] = _Item(items[0].line, LABEL)
    return items, i + 1


def _joinable(upper: _Line, lower: _Line, markdown: bool) -> bool:
    if markdown and (upper.heading or lower.heading):
        return False
    if lower.blanks_before == 0:
        return True
    return lower.blanks_before == 1 and _runs_on(_printed_line(upper), _printed_line(lower))


@dataclass
class _Group:
    lines: list[_Line]  # every line of the story's headline group (labels, kickers, subtitles)
    headline: list[_Line]
    orphans: list[list[_Line]]


def _head_kind(item: _Item, markdown_block: bool) -> str:
    """In a block with markdown headings only the headings are headlines."""
    if item.kind == TITLE and markdown_block and not item.line.heading:
        return KICKER
    return item.kind


def _runs(items: list[_Item], markdown: bool) -> list[list[_Line]]:
    runs: list[list[_Line]] = []
    for it in items:
        if it.kind != TITLE:
            runs.append([])
            continue
        if runs and runs[-1] and _joinable(runs[-1][-1], it.line, markdown) and len(runs[-1]) < RUN_MAX_LINES:
            runs[-1].append(it.line)
        else:
            runs.append([it.line])
    return [r for r in runs if r]


def _group_before(items: list[_Item], markdown: bool) -> _Group:
    """The group of a story whose headline stands before it: taken from the bottom of the block."""
    md_block = markdown and any(it.line.heading for it in items)
    kinds = [_head_kind(it, md_block) for it in items]
    i = len(items) - 1
    group: list[_Line] = []
    while i >= 0 and kinds[i] in (FURNITURE, SUBTITLE):
        if kinds[i] == SUBTITLE:
            group.append(items[i].line)
        i -= 1
    head: list[_Line] = []
    while i >= 0 and kinds[i] == TITLE and len(head) < RUN_MAX_LINES:
        if head and not _joinable(items[i].line, head[0], markdown):
            break
        head.insert(0, items[i].line)
        i -= 1
    if head and len(head) >= 2 and _is_kicker(head[0], 2) and head[1].blanks_before >= 1:
        head.pop(0)  # a phrase line set apart over the title is its kicker
        i += 1
        kinds[i] = KICKER
    group.extend(head)
    while i >= 0 and (kinds[i] in (LABEL, KICKER) or (kinds[i] == TITLE and head and _is_kicker(items[i].line, 2))):
        group.append(items[i].line)
        i -= 1
    rest = [_Item(it.line, k) for it, k in zip(items[: i + 1], kinds[: i + 1])]
    return _Group(sorted(group, key=lambda ln: ln.start), head, _runs(rest, markdown))


def _group_after(items: list[_Item], markdown: bool) -> _Group:
    """The group of a story whose headline is printed after it: taken from the top of the block."""
    md_block = markdown and any(it.line.heading for it in items)
    kinds = [_head_kind(it, md_block) for it in items]
    i = 0
    group: list[_Line] = []
    while i < len(items) and kinds[i] in (LABEL, KICKER):
        group.append(items[i].line)
        i += 1
    head: list[_Line] = []
    while i < len(items) and kinds[i] == TITLE and len(head) < RUN_MAX_LINES:
        if head and not _joinable(head[-1], items[i].line, markdown):
            break
        head.append(items[i].line)
        i += 1
    group.extend(head)
    while i < len(items) and kinds[i] == SUBTITLE:
        group.append(items[i].line)
        i += 1
    rest = [_Item(it.line, k) for it, k in zip(items[i:], kinds[i:])]
    return _Group(group, head, _runs(rest, markdown))


# ---------------------------------------------------------------- photos


def _caption_start(lines: _Lines, starts: list[int], anchor: _Anchor, floor: int, wrapped: bool,
                   datelines: frozenset[str]) -> int:
    """Where the caption of a photo credit begins (the paragraph before the credit); starts: the lines' starts."""
    k = bisect.bisect_right(starts, anchor.start) - 1
    if k < 0:
        return anchor.start
    own = lines[k]
    if own.start < anchor.start and compact(own.raw[: anchor.start - own.start]):
        last = k  # the credit closes a line of caption text
    else:
        last = k - 1
    if last < 0 or lines[last].end <= floor:
        return anchor.start
    # the paragraph holding `last`
    first = last
    while first > 0 and lines[first].blanks_before == 0 and lines[first - 1].start >= floor:
        first -= 1
    if first == last and _kind(lines[first], datelines) in (FURNITURE, TITLE, LABEL, KICKER) and last != k:
        return anchor.start
    # a column break cuts a caption: go on back while the paragraph above runs on
    while wrapped and lines[first].blanks_before == 1 and first > 0:
        above_last = first - 1
        if lines[above_last].start < floor or _ends_sentence(lines[above_last]):
            break
        above_first = above_last
        while above_first > 0 and lines[above_first].blanks_before == 0 and lines[above_first - 1].start >= floor:
            above_first -= 1
        para = lines[above_first: above_last + 1]
        if len(para) == 1 and _kind(para[0], datelines) != BODY:
            break
        if any(_kind(ln, datelines) == FURNITURE for ln in para):
            break
        if above_first > 0 and lines[above_first].blanks_before == 0 and lines[above_first - 1].start < floor:
            break  # the paragraph runs on from the story above's dateline or byline: its body
        if any(it.kind != FURNITURE for it in _trailing_block(lines, above_first, above_last + 1, datelines)[0]):
            break  # the paragraph ends in a title: the story above ends there, the caption cannot go on
        first = above_first
    return max(lines[first].start, floor)


# ---------------------------------------------------------------- articles


@dataclass
class _Story:
    anchor: _Anchor
    start: int
    end: int
    body_start: int
    body_end: int
    headline: str | None = None


def _assign_orphans(stories: list[_Story], orphans: list[list[_Line]]) -> None:
    if not orphans or len(orphans) > 50:
        return
    texts = [_join_headline(run) or "" for run in orphans]
    used: set[int] = set()
    waiting = [s for s in stories if s.anchor.kind != "photo" and s.headline is None]
    for story in waiting:
        place = story.anchor.dateline
        if not place:
            continue
        hits = [i for i, t in enumerate(texts) if i not in used and place in t]
        if len(hits) == 1:
            story.headline = texts[hits[0]]
            used.add(hits[0])
    waiting = [s for s in stories if s.anchor.kind != "photo" and s.headline is None]
    left = [i for i in range(len(texts)) if i not in used]
    if len(waiting) == 1 and len(left) == 1:  # the one title left is the one story's
        waiting[0].headline = texts[left[0]]


def _place_cue(anchors: list[_Anchor], stories: dict[int, _Story], g: int, items: list[_Item],
               markdown: bool) -> str | None:
    """Whose headline the block of gap g is, by the places it names: "previous", "next", "split"
    (the previous story's title on top, the next one's below) or None (no clear evidence).

    A headline names its own story's dateline place. The cue counts only where it is clear: the
    block names one neighbour's place and not the other's, and the other neighbour is a story with
    a place of its own, or no story at all (a photo, the page's edge).
    """
    prev_place = anchors[g - 1].dateline if g - 1 in stories else None
    next_place = anchors[g].dateline if g in stories else None
    prev_open = g - 1 not in stories or prev_place is not None  # no story, or one whose place we know
    next_open = g not in stories or next_place is not None
    said = "".join(_content(it.line) for it in items if it.kind != FURNITURE)
    names_prev = bool(prev_place) and prev_place in said
    names_next = bool(next_place) and next_place in said
    if prev_place == next_place:
        return None
    if names_prev and not names_next and next_open:
        return "previous"
    if names_next and not names_prev and prev_open:
        return "next"
    if names_prev and names_next:
        grp_prev, grp_next = _split_groups(items, markdown)
        if not grp_prev.headline or not grp_next.headline:
            return None
        if grp_prev.headline[-1].start >= grp_next.headline[0].start:
            return None
        top, bottom = _join_headline(grp_prev.headline) or "", _join_headline(grp_next.headline) or ""
        if prev_place in top and next_place not in top and next_place in bottom and prev_place not in bottom:
            return "split"
    return None


def _titles_above_furniture(items: list[_Item]) -> list[_Item]:
    """The items above the last furniture line of a block that has titles both above and below
    that line (empty when there is none): the part printed after the story before the block."""
    kinds = [it.kind for it in items]
    for f in range(len(kinds) - 1, 0, -1):
        if kinds[f] == FURNITURE and TITLE in kinds[f + 1:] and TITLE in kinds[:f]:
            return items[:f]
    return []


def _split_groups(items: list[_Item], markdown: bool) -> tuple[_Group, _Group]:
    """A block read both ways: the group on its top (a headline printed after the story above) and
    the group at its bottom (a headline printed before the story below)."""
    return _group_after(items, markdown), _group_before(items, markdown)


def _fallback(text: str, lines: list[_Line], datelines: frozenset[str]) -> list[_Story]:
    """A page without dateline or byline: one story from its first title and the text after it."""
    kinds = [_kind(ln, datelines) for ln in lines]
    body_idx = [i for i, k in enumerate(kinds) if k == BODY]
    if not body_idx:
        return []
    first_body = body_idx[0]
    head_lines: list[_Line] = []
    i = first_body - 1
    while i >= 0 and kinds[i] in (TITLE, LABEL, KICKER, SUBTITLE, FURNITURE):
        if kinds[i] == TITLE:
            if head_lines and not _joinable(lines[i], head_lines[0], False):
                break
            head_lines.insert(0, lines[i])
        elif head_lines:
            break
        i -= 1
    body_lines = [lines[i] for i in body_idx]
    body_text = compact(text[body_lines[0].start: body_lines[-1].end])
    if len(_CJK_CHAR.findall(body_text)) < 20:
        return []
    anchor = _Anchor("news", body_lines[0].start, body_lines[0].start, body_lines[0].start, None, ())
    start = head_lines[0].start if head_lines else body_lines[0].start
    return [_Story(anchor, start, body_lines[-1].end, body_lines[0].start, body_lines[-1].end,
                   _join_headline(head_lines) if head_lines else None)]


def segment(page: Page) -> tuple[Article, ...]:
    """The articles of a page, in page order."""
    text = page.text or ""
    lines = _split_lines(text)
    if not lines:
        return ()
    anchors = _find_anchors(text, lines)
    datelines = frozenset(a.dateline for a in anchors if a.dateline)
    markdown = "#" in text and any(raw[0] == "#" for raw in lines.raws)
    lengths = list(map(len, lines.squeezed))
    starts = lines.starts
    wrapped = statistics.median(lengths) <= WRAPPED_MEDIAN

    # photo captions first: they bound the gaps of the stories around them
    fixed: list[_Anchor] = []
    floor = 0
    for a in anchors:
        if a.kind == "photo":
            cap = _caption_start(lines, starts, a, floor, wrapped, datelines)
            tail = text[cap: a.start]
            cap_end = cap + len(tail.rstrip(" \t\r\n\u3000\ufffd" + _MARKERS))
            a = _Anchor("photo", cap, a.core_end, cap, None, a.credits, max(cap_end, cap))
        fixed.append(a)
        floor = a.core_end
    anchors = fixed
    if not any(a.kind != "photo" for a in anchors):
        stories = _fallback(text[: anchors[0].start] if anchors else text,
                            [ln for ln in lines if not anchors or ln.end <= anchors[0].start], datelines)
    else:
        stories = _stories(text, lines, anchors, datelines, markdown, starts)
    stories += [_Story(a, a.start, a.core_end, a.body_start, a.body_end) for a in anchors if a.kind == "photo"]
    stories.sort(key=lambda s: s.start)
    articles = []
    prev_end = 0
    for s in stories:
        start = max(s.start, prev_end)
        end = max(s.end, start)
        body_start = min(max(s.body_start, start), end)
        body_end = min(max(s.body_end, body_start), end)
        credits = s.anchor.credits
        if not credits and s.anchor.kind != "photo":  # a web copy credits its writers in its metadata
            credits = _metadata_credits(lines, prev_end, body_start, datelines)
        articles.append(Article(page.source, len(articles), s.anchor.kind,
                                None if s.anchor.kind == "photo" else s.headline,
                                s.anchor.dateline, credits, start, end, body_start, body_end))
        prev_end = end
    return tuple(articles)


def _line_range(starts: list[int], ends: list[int], lo_off: int, hi_off: int) -> tuple[int, int]:
    """Indices of the lines starting at or after lo_off and ending at or before hi_off (from lo_off on,
    up to the first line ending after hi_off: line ends only grow)."""
    lo = bisect.bisect_left(starts, lo_off)
    return lo, max(lo, bisect.bisect_right(ends, hi_off))


def _stories(text: str, lines: _Lines, anchors: list[_Anchor], datelines: frozenset[str],
             markdown: bool, starts: list[int]) -> list[_Story]:
    ends = lines.ends

    first_content: dict[int, int] = {}  # line index -> offset of its first printed character

    def line_start_of(offset: int) -> int:
        k = bisect.bisect_right(starts, offset) - 1
        if k < 0 or lines[k].start > offset:
            return offset
        if k not in first_content:
            found = _PRINTED_CHAR.search(text, lines[k].start)
            first_content[k] = found.start() if found else len(text)
        return lines[k].start if first_content[k] >= offset else offset

    # one gap before each anchor and one after the last
    gap_bounds = []
    prev_end = 0
    for a in anchors:
        gap_bounds.append((prev_end, line_start_of(a.start)))
        prev_end = a.core_end
    gap_bounds.append((prev_end, len(text)))
    blocks = []
    for lo_off, hi_off in gap_bounds:
        lo, hi = _line_range(starts, ends, lo_off, hi_off)
        items, first = _trailing_block(lines, lo, hi, datelines)
        blocks.append((lo, hi, items, first))

    text_idx = [i for i, a in enumerate(anchors) if a.kind != "photo"]
    first_t, last_t = text_idx[0], text_idx[-1]
    before_first = any(it.kind == TITLE for it in blocks[first_t][2])
    after_last = any(it.kind == TITLE for it in blocks[last_t + 1][2])
    votes_after = (not before_first) + after_last
    votes_before = before_first + (not after_last)
    # a headline names its own story's place: which neighbour does each block between two stories name?
    for g in range(1, len(anchors)):
        before, after = anchors[g - 1].dateline, anchors[g].dateline
        if not before or not after or before == after:
            continue
        said = "".join(_content(it.line) for it in blocks[g][2] if it.kind != FURNITURE)
        if before in said and after not in said:
            votes_after += 1
        elif after in said and before not in said:
            votes_before += 1
    headline_after = votes_after > votes_before

    stories: dict[int, _Story] = {}
    orphans: list[list[_Line]] = []
    for i, a in enumerate(anchors):
        if a.kind == "photo":
            continue
        lo, hi, items, first = blocks[i + 1]
        k = bisect.bisect_right(starts, a.core_end) - 1  # the dateline line: its remainder is body
        body_end = lines[k].end if k >= 0 and lines[k].end > a.core_end else a.body_start
        if first > lo:
            body_end = max(body_end, lines[first - 1].end)
        stories[i] = _Story(a, line_start_of(a.start), body_end, a.body_start, body_end)

    # Each gap's block goes the page's way unless its own place cue says otherwise (a page can
    # mix headlines printed before and after their stories).
    headline_by_cue: set[int] = set()  # stories whose headline a place cue gave them
    head_runs: dict[int, list[_Line]] = {}  # the headline lines each story was given

    def give(index: int, grp: _Group, after_story: bool, by_cue: bool) -> None:
        st = stories[index]
        if (index in headline_by_cue and not by_cue) or (not grp.headline and st.headline is not None):
            orphans.extend(_runs([_Item(ln, TITLE) for ln in grp.headline], markdown))
            orphans.extend(grp.orphans)
            return  # a cue-given headline wins over the page's default; no headline never replaces one
        if index in head_runs and head_runs[index]:
            orphans.append(head_runs[index])  # the default one it replaces may be another story's
        st.headline = _join_headline(grp.headline) if grp.headline else None
        head_runs[index] = grp.headline
        if by_cue:
            headline_by_cue.add(index)
        if grp.lines and after_story:
            st.end = max(st.end, max(ln.end for ln in grp.lines))
        elif grp.lines:
            st.start = min(st.start, min(ln.start for ln in grp.lines))
        orphans.extend(grp.orphans)

    for g, (lo, hi, items, first) in enumerate(blocks):
        if not items:
            continue
        before, after = g - 1, g  # anchors on either side of gap g
        cue = _place_cue(anchors, stories, g, items, markdown)
        if cue == "split":
            grp_prev, grp_next = _split_groups(items, markdown)
            taken = {id(ln) for ln in grp_prev.lines + grp_next.lines}
            give(before, _Group(grp_prev.lines, grp_prev.headline, []), True, True)
            give(after, _Group(grp_next.lines, grp_next.headline, []), False, True)
            orphans.extend(_runs([it for it in items if id(it.line) not in taken], markdown))
        elif cue == "previous":
            give(before, _group_after(items, markdown), True, True)
        elif cue == "next":
            give(after, _group_before(items, markdown), False, True)
        elif headline_after and before >= 0 and before in stories:
            give(before, _group_after(items, markdown), True, False)
        elif not headline_after and after < len(anchors) and after in stories:
            above = _titles_above_furniture(items)
            if above and before in stories and stories[before].headline is None:
                # page furniture (a footer, a section label) parts the block: the titles above it
                # close the headline-less story before, printed after its body
                give(before, _group_after(above, markdown), True, False)
                items = items[len(above):]
            give(after, _group_before(items, markdown), False, False)
        elif before in stories and stories[before].headline is None and any(it.kind == TITLE for it in items):
            # No story follows the block (a photo caption or the page's end does), so it cannot
            # stand before its story: it is the headline of the headline-less story above it,
            # printed after the body as a page of mixed layouts does.
            give(before, _group_after(items, markdown), True, False)
        else:
            orphans.extend(_runs(items, markdown))
    ordered = [stories[i] for i in sorted(stories)]
    _assign_orphans(ordered, orphans)
    return ordered
