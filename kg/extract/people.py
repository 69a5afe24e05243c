"""Person finder: named individuals other than the story's credited reporters.

A Chinese personal name (a common surname + 1-2 characters) is taken only where its
context shows it is a person (`kg/data/person_patterns.tsv`): a title or role right before
it (`第一书记张三说`, `党员李四，`) with a word or punctuation that can end a name right
after it, or a personal title right after it (`张三同志`). After an office title a function
word also ends a name (`县委书记张三在会上`, `部长李四到村调研`). Better to miss a person than
to invent one: a name-like string without such context is not listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.model import Article, Mention
from kg.normalize import Normalized
from kg.resources import load_table

PERSON = "person"
_NAME_ENDS_PUNCT = set("，。、；：？！,.;:?!“”（）()《》—…")
_ALL_CJK = re.compile("[\u4e00-\u9fff]*")


@dataclass(frozen=True)
class _Patterns:
    before: tuple[str, ...]  # longest first
    after: tuple[str, ...]
    name_end: tuple[str, ...]
    not_name: frozenset[str]
    surnames: frozenset[str]
    not_name_chars: frozenset[str]
    office_titles: frozenset[str]
    office_name_end: tuple[str, ...]  # name_end and function_end, longest first
    not_name_first: frozenset[str]
    not_before_name: frozenset[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    by_kind: dict[str, list[str]] = {}
    for row in load_table("person_patterns.tsv"):
        by_kind.setdefault(row["kind"], []).append(row["word"])

    def longest_first(kind: str) -> tuple[str, ...]:
        return tuple(sorted(by_kind.get(kind, []), key=len, reverse=True))

    def words(kind: str) -> frozenset[str]:
        return frozenset(by_kind.get(kind, []))

    titles = longest_first("title_before")
    # a name never holds a title ("书记和主任在" names no 和主任)
    not_name = words("not_name") | {w for w in titles if len(w) >= 2}
    office_name_end = tuple(sorted(words("name_end") | words("function_end"), key=len, reverse=True))
    return _Patterns(titles, longest_first("title_after"), longest_first("name_end"),
                     frozenset(not_name), words("surname"), words("not_name_char"),
                     words("office_title"), office_name_end, words("not_name_first"), words("not_before_name"))


def _is_name(name: str, pat: _Patterns) -> bool:
    # a name is 2-3 characters: look its few substrings up rather than scanning every not_name word
    return (name[0] in pat.surnames and name[0] not in pat.not_name_first and _ALL_CJK.fullmatch(name) is not None
            and pat.not_name_chars.isdisjoint(name[1:])
            and not any(name[i:j] in pat.not_name for i in range(len(name)) for j in range(i + 2, len(name) + 1)))


def _ends_name(t: str, at: int, name_end: tuple[str, ...]) -> bool:
    return at >= len(t) or t[at] in _NAME_ENDS_PUNCT or t.startswith(name_end, at)


def _after_title(t: str, at: int, pat: _Patterns, office: bool) -> tuple[int, int] | None:
    """A name right after a title ending at `at`: 3 characters preferred over 2, unless the
    third begins a word that ends names ("王五说"). After an office title a function word
    ends a name too ("书记王五在")."""
    if t[at:at + 1] not in pat.surnames:
        return None  # every name read here starts at `at`, and a name starts with a surname
    name_end = pat.office_name_end if office else pat.name_end
    two = t[at:at + 2]
    if len(two) == 2 and _is_name(two, pat) and t.startswith(name_end, at + 2):
        return at, at + 2
    for size in (3, 2):
        name = t[at:at + size]
        if len(name) == size and _is_name(name, pat) and _ends_name(t, at + size, name_end):
            return at, at + size
    return None


def _before_title(t: str, at: int, pat: _Patterns) -> tuple[int, int] | None:
    """A name right before a personal title starting at `at`."""
    for size in (3, 2):
        start = at - size
        if start < 0:
            continue
        name = t[start:at]
        if not _is_name(name, pat) or (start > 0 and t[start - 1] in pat.not_before_name):
            continue
        if size == 3 and t[start + 1] in pat.surnames and t[start] not in pat.surnames:
            continue
        return start, at
    return None


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in spans)


@lru_cache(maxsize=None)
def _title_index(titles: tuple[str, ...]) -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    """Where one of `titles` may start, and the titles starting with each character in their order.

    The pattern is a superset test (a title's first character, followed by a second character
    of some title unless a one-character title starts there); as it starts with a character
    class, the regex engine skips every other character in its fast C loop, where a lookahead
    alternation of all titles ran the whole matcher at every offset."""
    titles = tuple(w for w in titles if w)
    by_first: dict[str, list[str]] = {}
    for title in titles:
        by_first.setdefault(title[0], []).append(title)

    def chars(found) -> str:
        return re.escape("".join(sorted(set(found))))

    either = []
    single = [w for w in titles if len(w) == 1]
    longer = [w for w in titles if len(w) >= 2]
    if single:
        either.append(f"(?<=[{chars(single)}])")
    if longer:
        either.append(f"(?<=[{chars(w[0] for w in longer)}])(?=[{chars(w[1] for w in longer)}])")
    pattern = re.compile(f"[{chars(by_first)}](?:{'|'.join(either)})")
    return pattern, {first: tuple(words) for first, words in by_first.items()}


def _title_starts(t: str, titles: tuple[str, ...]):
    """(offset, title) at every offset where one of the (non-empty) `titles` starts, the first
    of them in their order."""
    if not any(titles):
        return []
    pattern, by_first = _title_index(titles)
    found = []
    for match in pattern.finditer(t):
        at = match.start()
        for title in by_first[t[at]]:
            if t.startswith(title, at):
                found.append((at, title))
                break
    return found


def find_people(article: Article, text: Normalized, organizations: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """Named persons in one story, each occurrence with its evidence; reporters excluded."""
    pat = _patterns()
    t = text.text
    credited = {c.name.replace(" ", "") for c in article.credits}
    org_spans = []
    for m in organizations:
        s, e = text.index_of(m.start), text.index_of(m.end - 1)
        if s is not None and e is not None:
            org_spans.append((s, e + 1))
    found: dict[tuple[int, int], str] = {}
    for i, title in _title_starts(t, pat.before):
        span = _after_title(t, i + len(title), pat, title in pat.office_titles)
        if span:
            found.setdefault(span, t[span[0]:span[1]])
    for i, title in _title_starts(t, pat.after):
        span = _before_title(t, i, pat)
        if span:
            found.setdefault(span, t[span[0]:span[1]])
    mentions = []
    for (s, e), name in sorted(found.items()):
        if name in credited or _inside((s, e), org_spans):
            continue
        start, end = text.span(s, e)
        mentions.append(Mention(source=article.source, article=article.index, type=PERSON, name=name,
                                text=text.printed[s:e], start=start, end=end, sentence=text.sentence(s, e)))
    return tuple(mentions)
