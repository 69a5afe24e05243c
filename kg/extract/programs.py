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
program_national.txt, and for runBy program_runby.tsv.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

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
    # The word lists compiled into regular expressions (`_compile`), so that one C-level match
    # replaces a loop of tests per character:
    head_run: re.Pattern | None = None         # the characters `_head_phrase` may cross
    heads_reversed: re.Pattern | None = None   # a head noun, spelt backwards, for the reversed text
    head_of_reversed: dict[str, str] | None = None
    prefix_run_reversed: re.Pattern | None = None  # `_preceding_run`'s characters, backwards
    # a launching verb of unquoted terms, then (looked at, not consumed) 了, a second verb and the
    # run of CJK characters that may hold the term
    term_launch: re.Pattern | None = None
    generic_word: re.Pattern | None = None     # any word of generic_anywhere
    national_long: re.Pattern | None = None    # any national name of 4 characters or more
    verb_anywhere: re.Pattern | None = None    # any launching verb
    list_separator: re.Pattern | None = None   # any list separator
    # Word lists by the character their words start (or end) with, for one dict lookup first:
    followed_by_first: dict[str, tuple[str, ...]] | None = None
    preceded_by_last: dict[str, tuple[str, ...]] | None = None
    verbs_last: dict[str, tuple[str, ...]] | None = None
    partners_last: dict[str, tuple[str, ...]] | None = None
    national_openings: frozenset[str] = frozenset()  # the first two characters of the national names
    # runBy cues (program_runby.tsv): one or more phrases that may open a sentence before its
    # subject (今年以来，), and words that make the organization after them a partner
    subject_lead: re.Pattern | None = None
    partners: tuple[str, ...] = ()
    partner_reach: int = 0  # the length of the longest partner word
    # words crossed whole by the head run though a function word is in them (结对 holds 对)
    compounds: tuple[str, ...] = ()
    # runBy: a verb that receives (获得, 荣获), not runs, and the longest verb of a subjectless clause
    receiving_verbs: tuple[str, ...] = ()
    bare_clause_reach: int = 0
    # runBy: a short back-reference to a unit's party body named earlier (集团党委, 该公司党委)
    backref_body: re.Pattern | None = None  # any party body word a reference ends with
    backref_min_unit: int = 2               # the fewest characters of the unit before the body
    backref_determiners: tuple[str, ...] = ()  # words that may open a reference (该, 本)
    # a number and measure word right before or after the quotes (56个“…”, “…”86个): a count
    count_before: re.Pattern | None = None
    count_after: re.Pattern | None = None


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
    runby_cues: dict[str, list[str]] = {}
    for row in load_table("program_runby.tsv"):
        runby_cues.setdefault(row["cue"], []).append(row["value"])
    heads = longest(by_role.get("head", []) + by_role.get("weak", []))
    return _compile(_Grammar(
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
        subject_lead=re.compile("(?:" + "|".join(f"(?:{p})" for p in runby_cues.get("leading", ["(?!)"])) + ")+"),
        partners=longest(runby_cues.get("partner", [])),
        partner_reach=max(map(len, runby_cues.get("partner", [])), default=0),
        compounds=longest(by_role.get("compound", [])),
        receiving_verbs=longest(runby_cues.get("receiving", [])),
        bare_clause_reach=int((runby_cues.get("bare_clause_reach") or ["0"])[0]),
        backref_body=re.compile(_alternation(runby_cues.get("backref_body", [])) or "(?!)"),
        backref_min_unit=int((runby_cues.get("backref_min_unit") or ["2"])[0]),
        backref_determiners=longest(runby_cues.get("backref_determiner", [])),
        count_before=re.compile(f"[0-9]+[余多]?(?:{_alternation(rules.get('count_measure', []))})$"),
        count_after=re.compile(f"[0-9]+[余多]?(?:{_alternation(rules.get('count_measure', []))})"),
        tail_reach=14 + max(map(len, (*heads, *by_role.get("marker", []), *by_role.get("marker_after_verb", []),
                                      *clause, "本报")), default=0),
    ))


def _alternation(words) -> str:
    """A regex matching any of `words` (non-empty ones: no word list holds an empty word, which
    would match everywhere), the longest word where several match, as the list scans (the words
    longest first) find it.

    The words are written as a trie (实(?:施|行)|推(?:出|行)…): where a word is the start of a
    longer one the longer is tried first, and at each step only the branches of the next
    character are tried, where a flat alternation tries every word.
    """
    trie: dict = {}
    for word in words:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}  # a word ends here
    return _trie_pattern(trie) if trie else "(?!)"


def _trie_pattern(node: dict) -> str:
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer words first, then this one
        pattern = f"(?:{pattern})?"
    return pattern


def _class_without(ranges: str, excluded) -> str:
    """A character class of `ranges` ("a-z0-9", no escapes) less the `excluded` characters."""
    spans = [(ranges[i], ranges[i + 2]) for i in range(0, len(ranges), 3)]
    out = []
    for lo, hi in spans:
        for ch in sorted(c for c in set(excluded) if lo <= c <= hi):
            if lo < ch:
                out.append(f"{lo}-{chr(ord(ch) - 1)}")
            lo = chr(ord(ch) + 1)
        if lo <= hi:
            out.append(f"{lo}-{hi}")
    return "[" + "".join(out) + "]" if out else "(?!)"


_CJK_RANGE = "\u4e00-\u9fff"  # `_is_cjk`
# `_is_cjk` or an ASCII digit: `_head_phrase` tests other digits (`str.isdigit`) itself
_HEAD_RUN_RANGE = "\u4e00-\u9fff0-9"


def _compile(g: _Grammar) -> _Grammar:
    """`g` with its word lists compiled into the matchers the finders use."""
    cjk, run = _CJK_RANGE, _HEAD_RUN_RANGE
    # `_head_phrase` crosses a character (CJK or digit) unless a function word starts there, or a
    # clause verb that is not also the start of a head noun. Characters no such word starts with
    # pass on a plain class test; only the others try the word lists.
    stoppers = [w for w in (*_HEAD_BREAKERS, *g.clause_verbs) if w]
    plain_char = _class_without(run, {w[0] for w in stoppers})
    no_breaker = f"(?!{_alternation(_HEAD_BREAKERS)})"
    head_word = _alternation(g.heads)
    clause_verb = _alternation(g.clause_verbs)
    first_char = f"(?:{plain_char}|{no_breaker}(?:(?={head_word})|(?!{clause_verb}))[{run}])"
    if g.compounds:  # a compound word is crossed whole, before its function word could stop the run
        compound = _alternation(g.compounds)
        first_char = f"(?:{compound}|{first_char})"
    # Past the first word, a clause verb right before a head noun modifies it
    # (“…”能力提升培训班); right after the quotes it opens a clause (“…”加强项目管理).
    head_char = f"(?:{plain_char}|{no_breaker}(?:(?={head_word})|(?!(?:{clause_verb})(?!{head_word})))[{run}])"
    if g.compounds:
        head_char = f"(?:{compound}|{head_char})"
    # `_preceding_run` walks back over CJK characters while no verb or function word ends there:
    # forwards in the reversed text, while no reversed word starts there.
    enders = [w[::-1] for w in (*g.verbs, *_PREFIX_BREAKERS) if w]
    prefix_char = f"(?:{_class_without(cjk, {w[0] for w in enders})}|(?!{_alternation(enders)})[{cjk}])"
    # `_head_phrase` never tests an end right after a 、, so a head ending in one is never found there;
    # nor is it in an unquoted term, made of CJK characters only
    heads = [h for h in g.heads if h and not h.endswith("、")]
    term_verbs = _alternation(g.term_verbs)
    return replace(
        g,
        head_run=re.compile(f"(?:{first_char}{head_char}{{0,{_MAX_HEAD_PHRASE - 1}}})?"),
        heads_reversed=re.compile(_alternation(h[::-1] for h in heads)),
        head_of_reversed={h[::-1]: h for h in heads},
        prefix_run_reversed=re.compile(f"{prefix_char}{{0,{_MAX_PREFIX + 6}}}"),
        term_launch=re.compile(f"(?:{term_verbs})(?=(了)?({term_verbs})?([{cjk}]{{0,{_MAX_TERM}}}))"),
        generic_word=re.compile(_alternation(g.generic_anywhere)),
        national_long=re.compile(_alternation(name for name in g.national if len(name) >= 4)),
        verb_anywhere=re.compile(_alternation(g.verbs)),
        list_separator=re.compile(_alternation(g.list_separators)),
        followed_by_first=_by_char(g.followed_by, last=False),
        preceded_by_last=_by_char(g.preceded_by, last=True),
        verbs_last=_by_char(g.verbs, last=True),
        partners_last=_by_char(g.partners, last=True),
        national_openings=frozenset(name[:2] for name in g.national),
    )


def _by_char(words: tuple[str, ...], last: bool) -> dict[str, tuple[str, ...]]:
    """The non-empty `words` by their last (or first) character."""
    grouped: dict[str, list[str]] = {}
    for w in words:
        if w:
            grouped.setdefault(w[-1] if last else w[0], []).append(w)
    return {c: tuple(ws) for c, ws in grouped.items()}


def _starts_with_word(t: str, pos: int, end: int, by_first: dict[str, tuple[str, ...]]) -> bool:
    """Whether `t[pos:end]` starts with a word of a list grouped `by_first` character."""
    words = by_first.get(t[pos:pos + 1])
    return words is not None and t.startswith(words, pos, end)


def _ends_with_word(t: str, start: int, pos: int, by_last: dict[str, tuple[str, ...]]) -> bool:
    """Whether `t[start:pos]` ends with a word of a list grouped `by_last` character."""
    words = by_last.get(t[pos - 1:pos]) if pos > start else None
    return words is not None and t.endswith(words, start, pos)


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
def _place_openings() -> frozenset[str]:
    """The first two characters of the names of `_places()` (all have two or more)."""
    return frozenset(name[:2] for name in _places())


@lru_cache(maxsize=1)
def _place_lengths_by_last() -> dict[str, tuple[int, ...]]:
    """The lengths (3 to 10, longest first) of the names of `_places()` by their last character:
    `_level_cue` tries those only."""
    lengths: dict[str, set[int]] = {}
    for name in _places():
        if 3 <= len(name) <= 10:
            lengths.setdefault(name[-1], set()).add(len(name))
    return {ch: tuple(sorted(ks, reverse=True)) for ch, ks in lengths.items()}


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_CJK_CHAR = re.compile(f"[{_CJK_RANGE}]")


def _has_cjk(s: str) -> bool:
    return bool(s) and "\u4e00" <= s[0] <= "\u9fff" or _CJK_CHAR.search(s) is not None


_NOT_NAME_CHARS = re.compile("[\\s" + re.escape(_INNER_QUOTES) + "]")  # `\\s` is exactly `str.isspace`


def _clean(s: str) -> str:
    """A name's characters: inner quotation marks and spaces dropped."""
    return _NOT_NAME_CHARS.sub("", s)


class _Quote(NamedTuple):
    start: int        # index of the opening mark in the normalised text
    end: int          # index after the closing mark
    inner: str


# A curly pair whose close is the first after the opening mark, with no second opening mark
# between, or a pair of plain marks; 1 to 60 characters, none of them a sentence end. An opening
# mark that starts no such pair is stray: the scan goes on from the next character.
_QUOTED = re.compile('“([^“”。！？]{1,60})”|"([^"。！？]{1,60})"')


def _quotes(text: str) -> list[_Quote]:
    """Top-level quoted phrases: “…” (with ‘…’ inside) and plain "…" pairs."""
    new = tuple.__new__  # `_Quote(...)` without the Python-level constructor
    return [new(_Quote, (m.start(), m.end(), m[1] or m[2])) for m in _QUOTED.finditer(text)]


_CHAIN_JOINER_SET = frozenset(_CHAIN_JOINERS)
_LONGEST_JOINER = max(map(len, _CHAIN_JOINERS))


def _chains(text: str, quotes: list[_Quote]) -> list[list[_Quote]]:
    chains: list[list[_Quote]] = []
    for q in quotes:
        if chains and q.start - chains[-1][-1].end <= _LONGEST_JOINER \
                and text[chains[-1][-1].end:q.start] in _CHAIN_JOINER_SET:
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


def _head_end(rt: str, start: int, end: int, g: _Grammar) -> int | None:
    """The farthest `k <= end` where `text[start:k]` ends with a head noun (`rt` is the text
    reversed): the first reversed head noun from `len - end` on that fits before `len - start`."""
    n = len(rt)
    m = g.heads_reversed.search(rt, n - end, n - start)
    return None if m is None else n - m.start()


def _head_phrase(t: str, rt: str, pos: int, g: _Grammar) -> str | None:
    """The longest run of a few words after `pos` that ends in a head noun.

    The run stops at punctuation, function words and verbs that open a new
    clause; a 、 inside it is crossed only while no head noun has been seen
    (“1+N”开放式、集约化、共享型服务阵地体系). `rt` is the text reversed.
    """
    first = t[pos:pos + 1]
    if not ("\u4e00" <= first <= "\u9fff" or first.isdigit()):
        return None  # the usual case: punctuation after the quotes
    n = len(t)
    limit = pos + _MAX_HEAD_PHRASE
    if limit > n:
        limit = n
    k = pos
    while True:
        # the words of `head_run` are tested on the whole text, as far as they reach: a clause
        # verb or function word that starts before `limit` stops the run there
        k = g.head_run.match(t, k).end()
        if k >= limit:
            k = limit
            break
        ch = t[k]
        if ch == "、":
            if k == pos or _head_end(rt, pos, k, g) is not None:
                break
        elif not ch.isdigit() or t.startswith(_HEAD_BREAKERS, k) \
                or (t.startswith(g.clause_verbs, k) and not t.startswith(g.heads, k)):
            break  # (a digit beyond ASCII is crossed as the others are)
        k += 1
    if k == pos:
        return None
    hit = g.heads_reversed.search(rt, n - k, n - pos)  # `_head_end(rt, pos, k, g)`
    return None if hit is None else t[pos:n - hit.start()]


def _preceding_run(t: str, rt: str, pos: int, g: _Grammar) -> str:
    """The words printed right before `pos`, back to a clause break, verb or function word."""
    reach = g.prefix_run_reversed.match(rt, len(t) - pos).end() - (len(t) - pos)
    return t[pos - min(reach, _MAX_PREFIX):pos]


_VERB_TAILS = ("了", "好", "起")  # printed between a launching verb and its object (实行了“…”)


def _verb_before(t: str, pos: int, g: _Grammar) -> bool:
    """Whether a launching verb, maybe with 了/好/起, ends within the 8 characters before `pos`."""
    if pos == 0:
        return False
    lo = pos - 8 if pos > 8 else 0
    if t[pos - 1] in _VERB_TAILS and _ends_with_word(t, lo, pos - 1, g.verbs_last):
        return True
    return _ends_with_word(t, lo, pos, g.verbs_last)


def _is_list(inner: str, g: _Grammar) -> bool:
    """Whether a separator splits the phrase (its characters, `_clean`) inside, not at its ends."""
    if g.list_separator.search(inner) is None:
        return False  # the usual case: no separator at all
    return any(sep in inner.strip(sep) for sep in g.list_separators)


_LEVEL_WORDS_LONGEST = sorted(_LEVEL_WORDS.items(), key=lambda kv: -len(kv[0]))
_ALL_LEVEL_WORDS = tuple(_LEVEL_WORDS)


def _level_cue(t: str, start: int) -> tuple[str, str | None] | None:
    """(level, place or None) named right before a program (全国“…”, 济宁市“…”) at `start`, if
    any: the longest name of `_places()` of 3 to 10 characters ending there, else a level word,
    within the 10 characters before."""
    if start == 0:
        return None
    lo = start - 10 if start > 10 else 0
    # only the lengths of the names that end in this character are tried, longest first
    lengths = _place_lengths_by_last().get(t[start - 1])
    if lengths:
        places = _places()
        for k in lengths:
            if k <= start - lo:
                hit = places.get(t[start - k:start])
                if hit:
                    return hit
    if t.endswith(_ALL_LEVEL_WORDS, lo, start):
        for word, level in _LEVEL_WORDS_LONGEST:
            if t.endswith(word, lo, start):
                return level, None
    return None


def _level_at(t: str, start: int, idx: int) -> tuple[str, str | None] | None:
    """The level cue before the `idx`-th quote of a chain, at `start`: only the first has one."""
    return _level_cue(t, start) if idx == 0 else None


class _Found(NamedTuple):
    name: str
    start: int             # normalised span of the evidence
    end: int
    core: str              # the quoted phrase, for unifying names in one story
    via_deng: bool = False
    level: tuple[str, str | None] | None = None


def _national(inner: str, g: _Grammar) -> str | None:
    """The first national name (in the file's order) that is `inner` or, of 4 characters or more, opens it."""
    if inner[:2] not in g.national_openings:
        return None  # every hit opens `inner` (or is it): the usual case settled by its first characters
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
    return tail.startswith(g.heads, k + 1)


def _outside(quotes: list[_Quote], titles: list[tuple[int, int]]) -> list[_Quote]:
    """The quotes that do not open inside a title (`titles`: `_titles`, in text order, disjoint)."""
    kept = []
    i = 0
    for q in quotes:
        while i < len(titles) and titles[i][1] <= q.start:
            i += 1  # this title ends before the quote, and so before all the quotes after it
        if i == len(titles) or not titles[i][0] < q.start:
            kept.append(q)
    return kept


def _quoted_programs(t: str, rt: str, quotes: list[_Quote], headline_end: int,
                     titles: list[tuple[int, int]], g: _Grammar) -> list[_Found]:
    """`rt` is the text `t` reversed; the quotes inside 《》 `titles` are left out."""
    places = _places()
    found: list[_Found] = []
    if titles:
        quotes = _outside(quotes, titles)
    generic, weak_heads, min_length = g.generic, g.weak_heads, g.min_length
    followed_by_first, national_openings = g.followed_by_first, g.national_openings
    for chain in _chains(t, quotes):
        chain_start, end = chain[0].start, chain[-1].end
        last = len(chain) - 1
        followed_veto = _starts_with_word(t, end, end + 12, followed_by_first)
        via_deng = t.startswith("等", end)
        head = None if followed_veto else _head_phrase(t, rt, end + (1 if via_deng else 0), g)
        # Evidence only some phrases need is found when first asked for (None: not yet).
        verb = marker = de_head = counted = None
        for idx, (q_start, q_end, q_inner) in enumerate(chain):
            inner = _clean(q_inner)
            if not inner or inner in generic:
                continue
            is_last = idx == last
            own_head = head if is_last else None
            incomplete = len(inner) < min_length or not _has_cjk(inner)
            if own_head:
                if incomplete and own_head in weak_heads:
                    continue
                if via_deng and _national(inner, g):
                    own_head = None
            if own_head and not (own_head in weak_heads and _is_list(inner, g)):
                level = _level_cue(t, q_start) if idx == 0 else None
                prefix = _preceding_run(t, rt, q_start, g) if idx == 0 else ""
                keep_prefix = (len(prefix) >= 2 and level is None
                               and (not _has_cjk(inner) or len(inner) == 1 or prefix.endswith("书记")))
                name = (prefix if keep_prefix else "") + inner + own_head
                start = q_start - len(prefix) if keep_prefix else q_start
                found.append(_Found(name, start, q_end + (1 if via_deng else 0) + len(own_head),
                                    inner, via_deng, level))
                continue
            if followed_veto:
                continue
            if counted is None:
                counted = _counted(t, chain_start, end, g)
            if counted and (counted == "before" or not _endswith_any(inner, g.bare_heads)):
                continue  # a counted facility with a head noun of its own (“…超市”160处) stays a name
            if inner[:2] in national_openings and _national(inner, g):
                found.append(_Found(inner, q_start, q_end, inner, False, _level_at(t, q_start, idx)))
                continue
            # a bare phrase: no head noun of its own
            if marker is None:
                # the tests below read the text at most `tail_reach` characters past the chain
                tail = t[end:end + g.tail_reach]
                verb = _verb_before(t, chain_start, g)
                marker = not head and (tail.startswith(g.markers)
                                       or (verb and tail.startswith(g.verb_markers)))
                if not head and not marker and tail.startswith("的"):
                    de_head = _head_phrase(t, rt, end + 1, g)
            if _is_list(inner, g) and not (de_head and "+" in inner):
                continue
            if _ends_with_word(t, max(0, chain_start - 6), chain_start, g.preceded_by_last):
                continue
            if is_last and marker and len(inner) >= 2:
                found.append(_Found(inner, q_start, q_end, inner, False, _level_at(t, q_start, idx)))
                continue
            if incomplete or inner.endswith(g.descriptor_ends) \
                    or (len(inner) <= 3 and inner.startswith(g.descriptor_starts)):
                continue
            own_bare_head = _endswith_any(inner, g.bare_heads)
            evidence = (
                (is_last and de_head)
                or (not is_last and head is not None)
                or (is_last and _list_tail_head(tail, g))
                or (own_bare_head and len(inner) - len(own_bare_head) >= 2)
                or (verb and _whole_object(tail, end, headline_end, g))
                or (q_start < headline_end and _headline_theme(t, q_start, q_end, places))
            )
            if evidence:
                found.append(_Found(inner, q_start, q_end, inner, False, _level_at(t, q_start, idx)))
    return found


def _counted(t: str, start: int, end: int, g: _Grammar) -> str:
    """How a number and measure word count the quotes `t[start:end]`: "before" where they stand
    right before and the quotes end the phrase (细分为56个“…”，: the quotes name the things
    counted), "after" where they follow (培育“…”86个), else "" (56个“…”小组: the noun after
    the quotes is what is counted)."""
    if g.count_after.match(t, end) is not None:
        return "after"
    if g.count_before.search(t, max(0, start - 8), start) is not None and not _is_cjk(t[end:end + 1]):
        return "before"
    return ""


def _whole_object(tail: str, end: int, headline_end: int, g: _Grammar) -> bool:
    """Whether the verb's object is the quoted phrase itself, not a noun it modifies
    (建立“三老三户”档案表): nothing Chinese, a clause verb or 等 follows, or the headline ends."""
    return (not _is_cjk(tail[:1]) or tail.startswith(g.clause_verbs)
            or tail[:1] in ("", "等") or end == headline_end or tail.startswith("本报"))


def _headline_theme(t: str, start: int, end: int, places: dict) -> bool:
    """A headline opening with (a place and) the quoted phrase `t[start:end]`, then a verb: the story's theme."""
    line_start = start
    while line_start > 0 and _is_cjk(t[line_start - 1]):
        line_start -= 1
    before = t[line_start:start]
    return (before == "" or before in places) and end < len(t) and _is_cjk(t[end])


def _unquoted_programs(t: str, rt: str, covered: bytearray, g: _Grammar) -> list[_Found]:
    """Terms after a launching verb; `rt` is the text reversed, `covered` flags masked indexes."""
    found: list[_Found] = []
    n = len(t)
    heads_reversed = g.heads_reversed
    for m in g.term_launch.finditer(t):
        # the term starts after the verb, a 了 and a second verb (探索实行, 开发…), which belongs to
        # the launching, not the name; it lies within the run of Chinese characters from there
        pos, run_end = m.span(3)
        if pos == run_end or covered[pos]:
            continue
        # the longest term: the farthest end (within the run of Chinese characters) where a head
        # noun ends, the longest head noun there not a weak one
        best = None
        r = n - run_end
        while (hit := heads_reversed.search(rt, r, n - pos)) is not None:
            head = g.head_of_reversed[hit.group(0)]
            if head not in g.weak_heads:
                best = (n - hit.start(), head)
                break
            r = hit.start() + 1
        if not best:
            continue
        end, head = best
        term = t[pos:end]
        modifier = term[: -len(head)]
        if head in g.loose_heads and (m.group(2) or m.group(0)) not in g.continuing_verbs:
            continue
        if len(modifier) < g.min_modifier or g.generic_word.search(modifier):
            continue
        rest = modifier
        while rest:
            w = _startswith_any(rest, g.generic_only)
            if not w:
                break
            rest = rest[len(w):]
        if not rest:
            continue
        if covered.find(1, pos, end) != -1:  # the term overlaps a masked span
            continue
        found.append(_Found(term, pos, end, term))
    return found


def _covered(t: str, spans: list[tuple[int, int]]) -> bytearray:
    """A flag per index of `t` (and one past its end): 1 inside one of the spans `[a, b)`."""
    covered = bytearray(len(t) + 1)
    for a, b in spans:
        covered[a:b] = b"\x01" * (b - a)
    return covered


_TITLE = re.compile(r"《[^《》]{1,80}》")


def _titles(t: str) -> list[tuple[int, int]]:
    """《》 titles: documents and works, whose words are no program of their own."""
    return [m.span() for m in _TITLE.finditer(t)]


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
    # the names by their last character, each group in the order of `names` (that order breaks
    # ties between the shortest longer names below): only these can end with a name
    by_last: dict[str, list[str]] = {}
    for n in names:
        by_last.setdefault(n[-1:], []).append(n)
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
        if name == f.name and len(name) >= 4:
            longer = [n for n in by_last[name[-1:]] if len(n) > len(name) and n.endswith(name)
                      and _has_cjk(n[: len(n) - len(name)])]
            if longer:
                name = min(longer, key=len)
        out.append(f if name == f.name else f._replace(name=name))
    return out


def _national_unquoted(t: str, covered: bytearray, g: _Grammar) -> list[_Found]:
    """National and provincial programs printed without quotes (依托灯塔-党建在线)."""
    found = []
    if g.national_long.search(t) is None:
        return found  # the usual case: one scan of the text for all the names
    for name in g.national:
        if len(name) < 4 or name not in t:
            continue
        for m in re.finditer(re.escape(name), t):
            if not covered[m.start()]:
                found.append(_Found(name, m.start(), m.end(), name))
    return found


def _launched_in(f: _Found, locality: Locality, places: dict, g: _Grammar) -> tuple[str, str] | None:
    """launchedIn (kind, place): the level named before the program, the place its name opens
    with, the issuing place of a national or provincial program, else the story's place."""
    national = _national(f.core, g) or _national(f.name, g)
    if national is not None:
        issuer = g.national[national]
        hit = places.get(issuer) if issuer else None
        return hit
    level = f.level
    if level is None and f.name[:2] in _place_openings():  # else no name of `places` opens it
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
            return kind, place
    if locality.county:
        return "county", locality.county
    if locality.city:
        return "city", locality.city
    return None


class _Organization(NamedTuple):
    """An organization mention with its normalised span."""
    name: str
    origin_end: int   # original offset after the name
    start: int        # normalised span
    end: int


_SEMICOLONS = re.compile("[；;]")
_CLAUSE_BREAK = re.compile("[" + re.escape("".join(sorted(_CLAUSE_BREAKS))) + "]")


def _run_by(text: Normalized, f: _Found, sentence_left: int, organizations: list[_Organization],
            g: _Grammar) -> str | None:
    """The organization the sentence names as running the program, if any.

    Either the organization's name stands right before the program
    (`天博集团“三让两培养”`), or it is the subject of the launching verb in the
    same clause (`县委组织部出台…`, `由区直机关党委牵头`), or the sentence's
    subject, maybe after leading phrases (`今年以来，县委组织部…，推行“…”`), where
    the program's own clause has a launching verb (not `…，获得全国“…”`).
    A partner named after another runner (`联合县人社局举办“…”`, `县委组织部、县人社局`)
    does not run it. `sentence_left` is where the program's sentence starts.
    """
    t = text.text
    start_orig = text.origin[f.start]
    best = None
    for org in organizations:
        if org.origin_end > start_orig:
            continue
        if org.start < sentence_left:
            continue  # the organization must stand in the program's own sentence
        between = t[org.end:f.start]
        if len(between) <= 1:
            best = org
            continue
        if not _SEMICOLONS.search(between) and _opens_sentence(t, _part_left(t, sentence_left, org.start), org.start, g):
            last_clause = between[_clause_start(between):]
            if g.verb_anywhere.search(last_clause) or _bare_clause(last_clause, between, g):
                best = org  # the subject of the sentence (or of its part after a ；) runs what it launches
                continue
        if len(between) > 16 or _CLAUSE_BREAK.search(between):
            continue
        if best is not None and _after_partner_word(t, sentence_left, org.start, g):
            continue
        lead = between[:6]
        if g.verb_anywhere.search(lead) or lead.startswith("牵头"):
            best = org
        elif _opens_sentence(t, _clause_left(t, sentence_left, org.start), org.start, g) \
                and g.verb_anywhere.search(between):
            # a clause naming its own body before its launching verb (…，社区党委书记某某带领党员
            # 组建“…”): that body, not the sentence's first one, runs what the clause launches
            best = org
    return best.name if best else None


def _clause_left(t: str, sentence_left: int, pos: int) -> int:
    """Where the clause holding `pos` starts: after the last ，；： before it in its sentence."""
    m = _LAST_CLAUSE_MARK.search(t, sentence_left, pos)
    return sentence_left if m is None else m.end()


# the last clause mark of a stretch: one followed by none other up to the stretch's end
_LAST_CLAUSE_MARK = re.compile("[，,；;：:](?=[^，,；;：:]*$)")


def _back_references(text: Normalized, organizations: list[_Organization], g: _Grammar) -> list[_Organization]:
    """Short references to a unit's party body named in full earlier in the story (集团党委 after
    某某能源集团党委, 该公司党委), as mentions of that organization.

    A reference is the longest run of words before a party body word (党委) that ends one of the
    story's organization names, with at least a unit noun before the body word, opening at a word
    boundary (not inside a longer name: 矿业大学党委 is no reference to 某某科技大学党委) or after a
    determiner (该); it counts only when exactly one organization of the story ends with it and
    that one is named before it. The organization extractor leaves such references out: they are
    no names of their own.
    """
    t = text.text
    covered = _covered(t, [(o.start, o.end) for o in organizations])
    first_end: dict[str, int] = {}
    for o in organizations:
        first_end[o.name] = min(first_end.get(o.name, o.end), o.end)
    found = []
    for m in g.backref_body.finditer(t):
        end, body = m.end(), m.group(0)
        if covered[end - 1]:
            continue  # part of an organization mention
        owners = [n for n in first_end if n.endswith(body) and len(n) > len(body)]
        if not owners:
            continue
        shared = max(_shared_tail(t, end, n) for n in owners)
        if shared - len(body) < g.backref_min_unit:
            continue
        words = t[end - shared:end]
        owners = [n for n in owners if n.endswith(words)]
        start = end - shared
        if start > 0 and _is_cjk(t[start - 1]):
            det = next((d for d in g.backref_determiners if t.startswith(d, start - len(d))), None)
            if det is None:
                continue  # the words end a longer name
            start -= len(det)
        if len(owners) != 1 or first_end[owners[0]] > start:
            continue
        found.append(_Organization(owners[0], text.origin[end - 1] + 1, start, end))
    return found


def _shared_tail(t: str, end: int, name: str) -> int:
    """How many characters `t[:end]` and `name` share at their ends."""
    k = 0
    while k < len(name) and k < end and t[end - 1 - k] == name[-1 - k]:
        k += 1
    return k


def _part_left(t: str, sentence_left: int, pos: int) -> int:
    """Where the part of the sentence holding `pos` starts: after the last ； before it."""
    k = max(t.rfind("；", sentence_left, pos), t.rfind(";", sentence_left, pos))
    return sentence_left if k < 0 else k + 1


def _bare_clause(last_clause: str, between: str, g: _Grammar) -> bool:
    """A clause of a ，-chain with no subject of its own, only a short verb before the program
    (…党支部领办合作社，注册“…”品牌): the chain's subject carries on, unless the verb
    receives rather than runs (…，荣获“…”称号)."""
    return (len(between) > len(last_clause) and 1 <= len(last_clause) <= g.bare_clause_reach
            and all(_is_cjk(ch) for ch in last_clause)
            and not last_clause.startswith(g.receiving_verbs))


def _clause_start(s: str) -> int:
    """Where the last clause of `s` starts: after its last comma or colon, else 0."""
    k = max(s.rfind("，"), s.rfind(","), s.rfind("："), s.rfind(":"))
    return k + 1


def _after_partner_word(t: str, sentence_left: int, pos: int, g: _Grammar) -> bool:
    """Whether a partner word (联合, 与, 、) ends right before `pos`."""
    return _ends_with_word(t, max(sentence_left, pos - g.partner_reach), pos, g.partners_last)


def _opens_sentence(t: str, sentence_left: int, pos: int, g: _Grammar) -> bool:
    """Whether `pos` opens the sentence starting at `sentence_left`, but for one stray character
    or leading phrases (今年以来，, 为…，) before it; not after a partner word (与…联合)."""
    if _after_partner_word(t, sentence_left, pos, g):
        return False
    if pos - sentence_left <= 1:
        return True
    lead = g.subject_lead.match(t, sentence_left, pos)
    return lead is not None and pos - lead.end() <= 1


def _headline_end(article: Article, text: Normalized) -> int:
    """Normalised index where the body starts: quotes before it are in the headline."""
    return text.index_from(article.body_start)


_BY_START = attrgetter("start")


def find_programs(article: Article, text: Normalized, locality: Locality,
                  organizations: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """Program mentions of one story, in text order, with launchedIn / runBy links."""
    g = _grammar()
    places = _places()
    t = text.text
    rt = t[::-1]  # the finders look back from a position by matching forwards in the reversed text
    quotes = _quotes(t)
    titles = _titles(t)
    # quoted phrases and 《》 titles: unquoted terms are never looked for inside them
    covered = _covered(t, [(q.start, q.end) for q in quotes] + titles)
    quoted = _quoted_programs(t, rt, quotes, _headline_end(article, text), titles, g)
    unquoted = _unquoted_programs(t, rt, covered, g) + _national_unquoted(t, covered, g)
    found = _unify(sorted(quoted + unquoted, key=_BY_START))
    if not found:
        return ()
    orgs = [_Organization(org.name, org.end, text.index_from(org.start), text.index_from(org.end))
            for org in organizations]
    if orgs:
        orgs = sorted(orgs + _back_references(text, orgs, g), key=_BY_START)
    place_links: dict[tuple[str, str], Link] = {}  # one Link object per place in a story
    mentions: list[Mention] = []
    seen: set[tuple[str, int]] = set()
    for f in found:
        if (f.name, f.start) in seen:
            continue
        seen.add((f.name, f.start))
        start, end = text.span(f.start, f.end)
        links = []
        place = _launched_in(f, locality, places, g)
        if place:
            link = place_links.get(place)
            if link is None:
                link = place_links[place] = Link("launchedIn", place[0], place[1])
            links.append(link)
        left, right = text.sentence_bounds(f.start, f.end)
        org = _run_by(text, f, left, orgs, g) if orgs else None
        if org:
            links.append(Link("runBy", "organization", org))
        mentions.append(Mention(
            source=article.source, article=article.index, type="program",
            name=f.name, text=text.printed[f.start:f.end], start=start, end=end,
            sentence=text.printed[left:right], links=tuple(links)))  # `text.sentence(f.start, f.end)`
    return tuple(mentions)
