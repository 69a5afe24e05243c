"""Named initiatives (programs) of one story, by the guide's name grammar.

A program is the name of something carried out or run: a campaign, project,
mechanism, system, method, platform, brand... (ANNOTATION.md "Programs, not
slogans"). Party prose quotes many phrases; a quoted phrase is a program only
with positive evidence:

* a head noun printed right after the quotes (`“四联四助”行动`), which joins
  the name; or a marker such as 建设 that shows the phrase is run but stays
  out of the name (`“三化”建设` -> 三化);
* a launching verb right before the quotes (`实行“两榜制”`);
* a head noun ending the phrase itself (`“三张清单”`, `“文明超市”`);
* a chain of quotes sharing that evidence (`“夕阳红”“巾帼美”等志愿服务队伍`);
* the headline's theme (`邹城市“三个突出” 做好…`).

Slogan rules (kg/data/slogan_rules.tsv) veto that evidence: goals and
principles (`“…”的原则`), lists of parallel phrases with no head noun, words in
quotes too short to name anything. Unquoted terms count where a distinctive
term with a head noun follows a launching verb (`实施人才安居工程`).

National and provincial programs named in passing (三会一课) come from the
gazetteer program_national.txt and get no local launchedIn link.

All rules are data: program_heads.txt, program_verbs.txt, slogan_rules.tsv,
program_national.txt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.gazetteer import division_rows
from kg.model import Article, Link, Locality, Mention
from kg.normalize import Normalized
from kg.resources import load_table, load_words

# Quotation marks after width folding: curly pairs and the plain ASCII mark.
_OPEN, _CLOSE = "“", "”"
_INNER_QUOTES = "‘’《》\"'"
# Characters that join two quoted phrases into one chain (“A”“B”, “A”、“B”, “A”和“B”).
_CHAIN_JOINERS = ("", "、", "和", "与", "及", "以及", ",", "，")
# A clause ends at these: context never reaches across them.
_CLAUSE_BREAKS = frozenset("。！？；!?;，,：:（）()《》“”\"")
# Words that end the run of characters scanned after the quotes for a head noun:
# past them the words belong to another phrase (“…”为主要模式的…, “…”和…).
_HEAD_BREAKERS = ("的", "为", "与", "及", "在", "是", "等", "了", "把", "将", "对",
                  "向", "从", "到", "让", "使", "由", "以", "并", "通过", "实现", "推动")
_PREFIX_BREAKERS = ("的", "和", "与", "及", "在", "为", "等", "了", "把", "将", "对", "向", "从",
                    "让", "使", "由", "以", "并", "按", "于", "关于", "通过", "是", "个", "名", "项",
                    "支", "次", "条", "家", "所", "结合", "按照", "围绕")
_MAX_HEAD_PHRASE = 18
_MAX_PREFIX = 4
_MAX_TERM = 16
_LEVEL_WORDS = {
    "全国": "nation", "中央": "nation", "国家": "nation",
    "全省": "province", "省级": "province", "省委": "province", "省": "province",
    "全市": "city", "市级": "city", "市委": "city", "市": "city",
}


@dataclass(frozen=True)
class _Grammar:
    heads: tuple[str, ...]        # join the name, rescue lists
    weak_heads: frozenset[str]    # join the name, do not rescue lists
    bare_heads: tuple[str, ...]   # end a phrase that names a thing
    markers: tuple[str, ...]      # show a phrase is run, stay out of the name
    loose_heads: frozenset[str]   # unquoted only after a continuing verb
    verbs: tuple[str, ...]        # launching verbs, longest first
    continuing_verbs: frozenset[str]
    clause_verbs: tuple[str, ...]  # open a new clause after a quoted phrase
    term_verbs: tuple[str, ...]    # launch unquoted terms only
    verb_markers: tuple[str, ...]  # markers that need a launching verb before the quotes
    followed_by: tuple[str, ...]
    preceded_by: tuple[str, ...]
    list_separators: tuple[str, ...]
    generic: frozenset[str]
    descriptor_ends: tuple[str, ...]
    min_length: int
    generic_anywhere: tuple[str, ...]
    generic_only: tuple[str, ...]
    min_modifier: int
    descriptor_starts: tuple[str, ...]
    national: dict[str, str | None]  # name -> issuing place (None: the nation)
    national_lengths: tuple[int, ...] = ()  # the lengths of the national names, for `_national`
    # How far past a chain's closing mark its tests read (`_list_tail_head` the farthest: a 等 at
    # most 12 characters on, then a head noun); a bounded tail avoids copying the rest of the text.
    tail_reach: int = 0


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    by_role: dict[str, list[str]] = {}
    for row in load_table("program_heads.txt"):
        by_role.setdefault(row["role"], []).append(row["word"])
    verbs, continuing, clause, term = [], set(), [], []
    for line in load_words("program_verbs.txt"):
        word, _, flag = line.partition("\t")
        word, flag = word.strip(), flag.strip()
        if flag == "clause":
            clause.append(word)
            continue
        if flag == "term":
            term.append(word)
            continue
        verbs.append(word)
        if flag == "continuing":
            continuing.add(word)
    rules: dict[str, list[str]] = {}
    for row in load_table("slogan_rules.tsv"):
        rules.setdefault(row["rule"], []).append(row["value"])
    longest = lambda words: tuple(sorted(set(words), key=len, reverse=True))  # noqa: E731
    national = {row["name"]: (None if row["place"] == "-" else row["place"])
                for row in load_table("program_national.txt")}
    heads = longest(by_role.get("head", []) + by_role.get("weak", []))
    return _Grammar(
        heads=heads,
        weak_heads=frozenset(by_role.get("weak", [])),
        bare_heads=longest(by_role.get("bare", []) + list(heads)),
        markers=longest(by_role.get("marker", [])),
        loose_heads=frozenset(by_role.get("loose", [])),
        verbs=longest(verbs),
        continuing_verbs=frozenset(continuing),
        clause_verbs=longest(clause),
        term_verbs=longest(term + verbs),
        verb_markers=longest(by_role.get("marker_after_verb", [])),
        followed_by=longest(rules.get("followed_by", [])),
        preceded_by=longest(rules.get("preceded_by", [])),
        list_separators=tuple(rules.get("list_separator", [])),
        generic=frozenset(rules.get("generic", [])),
        descriptor_ends=tuple(rules.get("descriptor_end", [])),
        min_length=int((rules.get("min_length") or ["3"])[0]),
        generic_anywhere=tuple(rules.get("generic_anywhere", [])),
        generic_only=longest(rules.get("generic_only", [])),
        min_modifier=int((rules.get("min_modifier_length") or ["4"])[0]),
        descriptor_starts=tuple(rules.get("descriptor_start", [])),
        national=national,
        national_lengths=tuple(sorted({len(name) for name in national})),
        tail_reach=14 + max(map(len, (*heads, *by_role.get("marker", []), *by_role.get("marker_after_verb", []),
                                      *clause, "本报")), default=0),
    )


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[str, str]]:
    """Place names that may stand before or open a program's name -> (level, canonical name).

    Full names of provinces, cities and counties; short forms of prefecture-level
    cities only (济宁 -> 济宁市): a county's short form is too often a common word.
    """
    levels = {"province": "province", "city": "city", "county": "county"}
    out: dict[str, tuple[str, str]] = {}
    for row in division_rows():
        level = levels.get(row["level"])
        name = row["name"]
        if level is None or len(name) < 3 or name.endswith("辖区") or "直辖" in name:
            continue
        out.setdefault(name, (level, name))
        if level == "city" and name.endswith("市") and len(name) >= 3:
            out.setdefault(name[:-1], (level, name))
    return out


@lru_cache(maxsize=1)
def _place_last_chars() -> frozenset[str]:
    """The characters the names of `_places()` end with."""
    return frozenset(name[-1] for name in _places() if name)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _has_cjk(s: str) -> bool:
    return any(_is_cjk(c) for c in s)


_NOT_NAME_CHARS = re.compile("[\\s" + re.escape(_INNER_QUOTES) + "]")  # `\\s` is exactly `str.isspace`


def _clean(s: str) -> str:
    """A name's characters: inner quotation marks and spaces dropped."""
    return _NOT_NAME_CHARS.sub("", s)


@dataclass(frozen=True)
class _Quote:
    start: int        # index of the opening mark in the normalised text
    end: int          # index after the closing mark
    inner: str


_OPENING_MARK = re.compile('[“"]')
_QUOTE_STOPS = re.compile("[。！？]")


@lru_cache(maxsize=4)
def _quotes(text: str) -> tuple[_Quote, ...]:
    """Top-level quoted phrases: “…” (with ‘…’ inside) and plain "…" pairs."""
    out: list[_Quote] = []
    i = 0
    while True:
        opening = _OPENING_MARK.search(text, i)
        if opening is None:
            break
        i = opening.start()
        ch = text[i]
        close = _CLOSE if ch == _OPEN else '"'
        j = text.find(close, i + 1)
        # a second opening mark before the close: this one is stray (the close is never an opening mark)
        if j != -1 and 0 < j - i - 1 <= 60 and (ch != _OPEN or text.find(_OPEN, i + 1, j) == -1) \
                and not _QUOTE_STOPS.search(text, i + 1, j):
            out.append(_Quote(i, j + 1, text[i + 1:j]))
            i = j + 1
            continue
        i += 1
    return tuple(out)


def _chains(text: str, quotes: list[_Quote]) -> list[list[_Quote]]:
    chains: list[list[_Quote]] = []
    for q in quotes:
        if chains and text[chains[-1][-1].end:q.start] in _CHAIN_JOINERS:
            chains[-1].append(q)
        else:
            chains.append([q])
    return chains


# Word lists grouped by their first or last character: once one C-level test says some word of a
# list matches, only the words with the matching character are tried, in the list's order.
_BY_EDGE_CHAR: dict[tuple[int, bool], tuple[tuple[str, ...], dict[str, tuple[str, ...]] | None]] = {}


def _by_edge_char(words: tuple[str, ...], last: bool) -> dict[str, tuple[str, ...]] | None:
    """`words` by their last (or first) character, each group in the words' order; None when a
    word is empty (it matches whatever the character)."""
    key = (id(words), last)
    entry = _BY_EDGE_CHAR.get(key)
    if entry is None or entry[0] is not words:  # the tuple kept in the entry keeps its id unique
        index = None
        if all(words):
            grouped: dict[str, list[str]] = {}
            for w in words:
                grouped.setdefault(w[-1] if last else w[0], []).append(w)
            index = {c: tuple(ws) for c, ws in grouped.items()}
        entry = _BY_EDGE_CHAR[key] = (words, index)
    return entry[1]


def _startswith_any(s: str, words) -> str | None:
    if isinstance(words, tuple):
        if not s.startswith(words):
            return None  # one C-level test settles the usual case, where no word matches
        index = _by_edge_char(words, False)
        if index is not None:
            words = index.get(s[0], ())
    for w in words:
        if s.startswith(w):
            return w
    return None


def _endswith_any(s: str, words) -> str | None:
    if isinstance(words, tuple):
        if not s.endswith(words):
            return None  # one C-level test settles the usual case, where no word matches
        index = _by_edge_char(words, True)
        if index is not None:
            words = index.get(s[-1], ())
    for w in words:
        if s.endswith(w):
            return w
    return None


# The same tests at a position of the whole text, without copying the text from there on.
def _word_at(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    """`_startswith_any(text[pos:], words)`."""
    if not text.startswith(words, pos):
        return None
    index = _by_edge_char(words, False)
    for w in (words if index is None else index.get(text[pos], ())):
        if text.startswith(w, pos):
            return w
    return None


def _word_ending(text: str, start: int, end: int, words: tuple[str, ...]) -> str | None:
    """`_endswith_any(text[start:end], words)`."""
    if not text.endswith(words, start, end):
        return None
    index = _by_edge_char(words, True)
    for w in (words if index is None else index.get(text[min(end, len(text)) - 1], ())):
        if text.endswith(w, start, end):
            return w
    return None


def _head_phrase(text: str, pos: int, g: _Grammar) -> str | None:
    """The longest run of a few words after `pos` that ends in a head noun.

    The run stops at punctuation, function words and verbs that open a new
    clause; a 、 inside it is crossed only while no head noun has been seen
    (“1+N”开放式、集约化、共享型服务阵地体系).
    """
    best = None
    k = pos
    while k < len(text) and k - pos < _MAX_HEAD_PHRASE:
        ch = text[k]
        if ch == "、" and best is None and k > pos:
            k += 1
            continue
        if not (_is_cjk(ch) or ch.isdigit()) or _word_at(text, k, _HEAD_BREAKERS) \
                or (_word_at(text, k, g.clause_verbs) and not _word_at(text, k, g.heads)):
            break
        k += 1
        if _word_ending(text, pos, k, g.heads):
            best = text[pos:k]
    return best


def _preceding_run(text: str, pos: int, g: _Grammar) -> str:
    """The words printed right before `pos`, back to a clause break, verb or function word."""
    k = pos
    while k > 0 and pos - k < _MAX_PREFIX + 6:
        if not _is_cjk(text[k - 1]) or _word_ending(text, 0, k, g.verbs) \
                or _word_ending(text, 0, k, _PREFIX_BREAKERS):
            break
        k -= 1
    run = text[k:pos]
    return run[-_MAX_PREFIX:]


def _verb_before(text: str, pos: int, g: _Grammar) -> str | None:
    before = text[max(0, pos - 8):pos]
    for tail in ("了", "好", "起", ""):
        if tail and not before.endswith(tail):
            continue
        stem = before[: len(before) - len(tail)] if tail else before
        verb = _endswith_any(stem, g.verbs)
        if verb:
            return verb
    return None


def _is_list(inner: str, g: _Grammar) -> bool:
    core = _clean(inner)
    return any(sep in core.strip(sep) for sep in g.list_separators)


def _followed_by_slogan_word(text: str, chain: list[_Quote], g: _Grammar) -> bool:
    return _startswith_any(text[chain[-1].end:chain[-1].end + 12], g.followed_by) is not None


def _preceded_by_slogan_word(text: str, chain: list[_Quote], g: _Grammar) -> bool:
    return _endswith_any(text[max(0, chain[0].start - 6):chain[0].start], g.preceded_by) is not None


_LEVEL_WORDS_LONGEST = sorted(_LEVEL_WORDS.items(), key=lambda kv: -len(kv[0]))


def _level_cue(before: str, places: dict) -> tuple[str, str | None] | None:
    """(level, place or None) named right before a program (全国“…”, 济宁市“…”), if any."""
    # no name of `places` (always `_places()`) can end right before unless it ends in this character
    if places is not _places() or before[-1:] in _place_last_chars():
        for k in range(min(len(before), 10), 2, -1):
            hit = places.get(before[-k:])
            if hit:
                return hit
    for word, level in _LEVEL_WORDS_LONGEST:
        if before.endswith(word):
            return level, None
    return None


@dataclass(frozen=True)
class _Found:
    name: str
    start: int             # normalised span of the evidence
    end: int
    core: str              # the quoted phrase, for unifying names in one story
    via_deng: bool = False
    level: tuple[str, str | None] | None = None


def _national(inner: str, g: _Grammar) -> str | None:
    """The first national name (in the file's order) that is `inner` or, of 4 characters or more, opens it."""
    names = g.national
    hits = [inner[:size] for size in g.national_lengths
            if size <= len(inner) and (size >= 4 or size == len(inner)) and inner[:size] in names]
    if len(hits) < 2:
        return hits[0] if hits else None
    order = list(names)
    return min(hits, key=order.index)


def _list_tail_head(tail: str, g: _Grammar) -> bool:
    """“A”、B等活动: a quoted phrase listed with unquoted ones before 等 and a head noun."""
    if not tail.startswith("、"):
        return False
    k = tail.find("等", 1)
    if k == -1 or k > 12 or any(not _is_cjk(c) for c in tail[1:k]):
        return False
    return _startswith_any(tail[k + 1:], g.heads) is not None


def _quoted_programs(text: Normalized, headline_end: int, masked: list[tuple[int, int]],
                     g: _Grammar) -> list[_Found]:
    t = text.text
    places = _places()
    found: list[_Found] = []
    quotes = [q for q in _quotes(t) if not any(a < q.start < b for a, b in masked)]
    for chain in _chains(t, quotes):
        followed_veto = _followed_by_slogan_word(t, chain, g)
        preceded_veto = _preceded_by_slogan_word(t, chain, g)
        last = chain[-1]
        tail = t[last.end:last.end + g.tail_reach]
        via_deng = tail.startswith("等")
        head = None if followed_veto else _head_phrase(t, last.end + (1 if via_deng else 0), g)
        verb = _verb_before(t, chain[0].start, g)
        marker = None if head else (_startswith_any(tail, g.markers)
                                    or (verb and _startswith_any(tail, g.verb_markers)))
        de_head = None
        if not head and not marker and tail.startswith("的") and not followed_veto:
            de_head = _head_phrase(t, last.end + 1, g)
        # the verb's object is the quoted phrase itself, not a noun it modifies (建立“三老三户”档案表)
        whole_object = (not _is_cjk(tail[:1]) or _startswith_any(tail, g.clause_verbs) is not None
                        or tail[:1] in ("", "等") or last.end == headline_end or tail.startswith("本报"))
        for idx, q in enumerate(chain):
            inner = _clean(q.inner)
            if not inner or inner in g.generic:
                continue
            is_last = idx == len(chain) - 1
            level = _level_cue(t[max(0, q.start - 10):q.start], places) if idx == 0 else None
            national = _national(inner, g)
            listy = _is_list(q.inner, g)
            own_head = head if is_last else None
            incomplete = len(inner) < g.min_length or not _has_cjk(inner)
            if own_head and incomplete and own_head in g.weak_heads:
                continue
            if own_head and national and via_deng:
                own_head = None
            if own_head and not (own_head in g.weak_heads and listy):
                prefix = _preceding_run(t, q.start, g) if idx == 0 else ""
                keep_prefix = (len(prefix) >= 2 and level is None
                               and (not _has_cjk(inner) or len(inner) == 1 or prefix.endswith("书记")))
                name = (prefix if keep_prefix else "") + inner + own_head
                start = q.start - len(prefix) if keep_prefix else q.start
                found.append(_Found(name, start, q.end + (1 if via_deng else 0) + len(own_head),
                                    inner, via_deng, level))
                continue
            if followed_veto:
                continue
            if national:
                found.append(_Found(inner, q.start, q.end, inner, False, level))
                continue
            # a bare phrase: no head noun of its own
            if listy and not (de_head and "+" in inner):
                continue
            if preceded_veto:
                continue
            if is_last and marker and len(inner) >= 2:
                found.append(_Found(inner, q.start, q.end, inner, False, level))
                continue
            if incomplete or _endswith_any(inner, g.descriptor_ends) \
                    or (len(inner) <= 3 and _startswith_any(inner, g.descriptor_starts)):
                continue
            own_bare_head = _endswith_any(inner, g.bare_heads)
            evidence = (
                (is_last and de_head)
                or (not is_last and head is not None)
                or (is_last and _list_tail_head(tail, g))
                or (own_bare_head and len(inner) - len(own_bare_head) >= 2)
                or (verb is not None and whole_object)
                or (q.start < headline_end and _headline_theme(t, q, places))
            )
            if evidence:
                found.append(_Found(inner, q.start, q.end, inner, False, level))
    return found


def _headline_theme(t: str, q: _Quote, places: dict) -> bool:
    """A headline opening with (a place and) a quoted phrase, then a verb: the story's theme."""
    line_start = q.start
    while line_start > 0 and _is_cjk(t[line_start - 1]):
        line_start -= 1
    before = t[line_start:q.start]
    return (before == "" or before in places) and q.end < len(t) and _is_cjk(t[q.end])


@lru_cache(maxsize=4)
def _verb_pattern(term_verbs: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in term_verbs))


_CJK_TERM = re.compile(f"[\u4e00-\u9fff]{{1,{_MAX_TERM}}}")  # as far as `_is_cjk` characters run, at most a term


def _unquoted_programs(text: Normalized, masked: list[tuple[int, int]], g: _Grammar) -> list[_Found]:
    t = text.text
    found: list[_Found] = []
    verb_re = _verb_pattern(g.term_verbs)
    covered = _covered(masked)
    head_ends = _by_edge_char(g.heads, True)
    for m in verb_re.finditer(t):
        pos = m.end()
        if t.startswith("了", pos):
            pos += 1
        # a second verb (探索实行, 开发…) belongs to the launching, not the name
        second = _word_at(t, pos, g.term_verbs)
        verb = second or m.group(0)
        if second:
            pos += len(second)
        if pos in covered:
            continue
        best = None
        run = _CJK_TERM.match(t, pos)
        # the longest term: the farthest end (within the run of Chinese characters) where a head noun ends
        for k in range(run.end() if run else pos, pos, -1):
            if head_ends is not None and t[k - 1] not in head_ends:
                continue  # no head noun ends with this character
            head = _word_ending(t, pos, k, g.heads)
            if head and head not in g.weak_heads:
                best = (k, head)
                break
        if not best:
            continue
        end, head = best
        term = t[pos:end]
        modifier = term[: -len(head)]
        if head in g.loose_heads and verb not in g.continuing_verbs:
            continue
        if len(modifier) < g.min_modifier or any(w in modifier for w in g.generic_anywhere):
            continue
        rest = modifier
        while rest:
            w = _startswith_any(rest, g.generic_only)
            if not w:
                break
            rest = rest[len(w):]
        if not rest:
            continue
        if not covered.isdisjoint(range(pos, end)):  # the term overlaps a masked span
            continue
        found.append(_Found(term, pos, end, term))
    return found


def _covered(spans: list[tuple[int, int]]) -> set[int]:
    """Every index inside one of the spans `[a, b)`."""
    covered: set[int] = set()
    for a, b in spans:
        covered.update(range(a, b))
    return covered


def _titles(t: str) -> list[tuple[int, int]]:
    """《》 titles: documents and works, whose words are no program of their own."""
    return [(m.start(), m.end()) for m in re.finditer(r"《[^《》]{1,80}》", t)]


def _masked_spans(t: str) -> list[tuple[int, int]]:
    """Quoted phrases and 《》 titles: unquoted terms are never looked for inside them."""
    return [(q.start, q.end) for q in _quotes(t)] + _titles(t)


def _unify(found: list[_Found]) -> list[_Found]:
    """One name per program in a story.

    * where only 等 tied a head noun to a phrase also named bare, the bare name
      stands (“三会一课”等活动 -> 三会一课);
    * a bare phrase also printed with its head noun takes the full name
      (“第一议题” and “第一议题”制度 -> 第一议题制度), and of two heads of one
      phrase where one ends the other, the fuller wins (“双报到”机制 ->
      双报到融合机制);
    * a name that ends a longer name of the same story is that program
      (“工作记实报告系统” after 科级干部工作记实报告系统).
    """
    bare = {f.core for f in found if f.name == f.core}
    full = {}
    for f in found:
        if f.name != f.core and not f.via_deng:
            full.setdefault(f.core, []).append(f.name)
    names = {f.name for f in found}
    out = []
    for f in found:
        name = f.name
        if f.via_deng and f.core in bare:
            name = f.core
        elif f.name == f.core and len(full.get(f.core, ())) == 1:
            name = full[f.core][0]
        else:
            for other in full.get(f.core, ()):
                suffix = name[len(f.core):]
                if len(other) > len(name) and suffix and other.endswith(suffix):
                    name = other
                    break
        longer = [n for n in names if len(n) > len(name) and n.endswith(name) and len(name) >= 4
                  and _has_cjk(n[: len(n) - len(name)])]
        if longer and name == f.name:
            name = min(longer, key=len)
        out.append(_Found(name, f.start, f.end, f.core, f.via_deng, f.level))
    return out


def _national_unquoted(text: Normalized, masked: list[tuple[int, int]], g: _Grammar) -> list[_Found]:
    """National and provincial programs printed without quotes (依托灯塔-党建在线)."""
    t = text.text
    found = []
    covered = None
    for name in g.national:
        if len(name) < 4 or name not in t:
            continue
        for m in re.finditer(re.escape(name), t):
            if covered is None:
                covered = _covered(masked)
            if m.start() not in covered:
                found.append(_Found(name, m.start(), m.end(), name))
    return found


def _locality_link(f: _Found, locality: Locality, places: dict, g: _Grammar) -> Link | None:
    """launchedIn: the level named before the program, the place its name opens with,
    the issuing place of a national or provincial program, else the story's place."""
    national = _national(f.core, g) or _national(f.name, g)
    if national is not None:
        issuer = g.national[national]
        hit = places.get(issuer) if issuer else None
        return Link("launchedIn", hit[0], hit[1]) if hit else None
    level = f.level
    if level is None:
        for k in range(min(len(f.name), 6), 1, -1):
            hit = places.get(f.name[:k])
            if hit:
                level = hit
                break
    if level is not None:
        kind, place = level
        if kind == "nation":
            return None
        if place is None:
            place = {"province": locality.province, "city": locality.city}.get(kind)
        if place is not None:
            return Link("launchedIn", kind, place)
    if locality.county:
        return Link("launchedIn", "county", locality.county)
    if locality.city:
        return Link("launchedIn", "city", locality.city)
    return None


def _run_by(text: Normalized, f: _Found, organizations: tuple[Mention, ...], g: _Grammar) -> str | None:
    """The organization the sentence names as running the program, if any.

    Either the organization's name stands right before the program
    (`天博集团“三让两培养”`), or it is the subject of the launching verb in the
    same clause (`县委组织部出台…`, `由区直机关党委牵头`).
    """
    t = text.text
    s_left, _ = text.sentence_bounds(f.start, f.end)
    start_orig = text.origin[f.start]
    best = None
    for org in organizations:
        if org.end > start_orig:
            continue
        # normalised index just after the organization's name
        org_start, org_end = text.index_from(org.start), text.index_from(org.end)
        if org_start < s_left:
            continue  # the organization must stand in the program's own sentence
        between = t[org_end:f.start]
        if len(between) <= 1:
            best = org
            continue
        if org_start - s_left <= 1 and not any(c in "；;" for c in between) \
                and any(v in between for v in g.verbs):
            best = org  # the sentence's subject runs what the sentence launches
            continue
        if any(c in _CLAUSE_BREAKS for c in between) or len(between) > 16:
            continue
        lead = between[:6]
        if any(lead.find(v) != -1 for v in g.verbs) or lead.startswith("牵头"):
            best = org
    return best.name if best else None


def _headline_end(article: Article, text: Normalized) -> int:
    """Normalised index where the body starts: quotes before it are in the headline."""
    return text.index_from(article.body_start)


def find_programs(article: Article, text: Normalized, locality: Locality,
                  organizations: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """Program mentions of one story, in text order, with launchedIn / runBy links."""
    g = _grammar()
    places = _places()
    masked = _masked_spans(text.text)
    quoted = _quoted_programs(text, _headline_end(article, text), _titles(text.text), g)
    unquoted = _unquoted_programs(text, masked, g) + _national_unquoted(text, masked, g)
    found = _unify(sorted(quoted + unquoted, key=lambda f: f.start))
    mentions: list[Mention] = []
    seen: set[tuple[str, int]] = set()
    for f in found:
        if (f.name, f.start) in seen:
            continue
        seen.add((f.name, f.start))
        start, end = text.span(f.start, f.end)
        links = []
        place = _locality_link(f, locality, places, g)
        if place:
            links.append(place)
        org = _run_by(text, f, organizations, g)
        if org:
            links.append(Link("runBy", "organization", org))
        mentions.append(Mention(
            source=article.source, article=article.index, type="program",
            name=f.name, text=text.printed[f.start:f.end], start=start, end=end,
            sentence=text.sentence(f.start, f.end), links=tuple(links)))
    return tuple(mentions)
