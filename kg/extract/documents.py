"""Named policy documents of one story: 《…》 titles ending in a document head noun.

ANNOTATION.md: a document is a named policy or regulation in 《》 (意见, 办法,
规范, 方案, 通知, 细则, 清单…), not a video, lecture, column, book, newspaper
or film. A title made of a head noun alone (《意见》, 《实施办法》) is an
abbreviated reference back to a document named earlier, not a new one. A
title listed together with a document (《重点任务清单》《下派工作推进线》等)
is a document of the same set.

Rules are data: kg/data/document_heads.txt (head nouns, the generic words of
back-references, the verbs by which a body issues a document).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.model import Article, Link, Locality, Mention
from kg.normalize import Normalized
from kg.resources import load_table

_TITLE = re.compile(r"《([^《》]{1,100})》")
# Characters that tie two titles into one list: 《A》《B》, 《A》、《B》, 《A》和《B》.
_LIST_JOINERS = ("", "、", "和", "及", "与", "以及")
_CLAUSE_BREAKS = frozenset("。！？；!?;，,：:")
# A title with these is a work (a video's subtitle, a question), not a regulation.
_WORK_MARKS = frozenset(":：?？!！")


@dataclass(frozen=True)
class _Rules:
    heads: tuple[str, ...]
    generic_modifiers: tuple[str, ...]
    issuing_verbs: tuple[str, ...]
    edition_note: re.Pattern  # a trailing bracketed note (（试行）, （2024年版）) after the head noun


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    by_role: dict[str, list[str]] = {}
    for row in load_table("document_heads.txt"):
        by_role.setdefault(row["role"], []).append(row["word"])
    longest = lambda words: tuple(sorted(set(words), key=len, reverse=True))  # noqa: E731
    return _Rules(longest(by_role.get("head", [])), longest(by_role.get("generic_modifier", [])),
                  longest(by_role.get("issuing_verb", [])),
                  _edition_note_pattern(by_role.get("edition_note", [])))


def _edition_note_pattern(fragments: list[str]) -> re.Pattern:
    """A bracketed edition note ending a title: （试行）, (2024年版)."""
    if not fragments:
        return re.compile(r"(?!)")
    return re.compile(r"[（(](?:" + "|".join(f"(?:{f})" for f in fragments) + r")[）)]$")


def _title_name(raw: str) -> str:
    return "".join(c for c in raw if not c.isspace())


def _head_of(title: str, rules: _Rules) -> str | None:
    # 《…办法（试行）》: the head noun stands before the edition note
    title = rules.edition_note.sub("", title)
    for head in rules.heads:
        if title.endswith(head):
            return head
    return None


def is_back_reference(title: str) -> bool:
    """《意见》, 《实施办法》: a bare head noun, maybe after generic words, names no new document."""
    rules = _rules()
    rest = rules.edition_note.sub("", title)  # 《实施办法（试行）》 too
    head = _head_of(rest, rules)
    if head is None:
        return False
    rest = rest[: -len(head)]
    while rest:
        word = next((w for w in rules.generic_modifiers if rest.endswith(w)), None)
        if word is None:
            return False
        rest = rest[: -len(word)]
    return True


def _issuer(text: Normalized, start: int, organizations: tuple[Mention, ...], rules: _Rules) -> str | None:
    """The organization that issues the document in the same clause (县委组织部出台《…》)."""
    t = text.text
    best = None
    for org in organizations:
        org_end = text.index_from(org.end)
        if org_end > start:
            continue
        between = t[org_end:start]
        if any(c in _CLAUSE_BREAKS for c in between) or len(between) > 12:
            continue
        if any(v in between for v in rules.issuing_verbs):
            best = org
    return best.name if best else None


def find_documents(article: Article, text: Normalized, locality: Locality,
                   organizations: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """Document mentions of one story, in text order.

    Links: ("locality", county or city, the story's place) for the issuing
    locality, and ("issuedBy", "organization", name) where a body issues it in
    the same clause.
    """
    rules = _rules()
    t = text.text
    titles = list(_TITLE.finditer(t))
    accepted: set[int] = set()
    for i, m in enumerate(titles):
        title = _title_name(m.group(1))
        if any(c in _WORK_MARKS for c in title) or is_back_reference(title):
            continue
        if _head_of(title, rules):
            accepted.add(i)
    # a title listed together with a document is one of the same set
    changed = True
    while changed:
        changed = False
        for i in range(len(titles)):
            if i in accepted:
                continue
            title = _title_name(titles[i].group(1))
            if any(c in _WORK_MARKS for c in title) or is_back_reference(title):
                continue
            left = i - 1 in accepted and t[titles[i - 1].end():titles[i].start()] in _LIST_JOINERS
            right = i + 1 in accepted and t[titles[i].end():titles[i + 1].start()] in _LIST_JOINERS
            if left or right:
                accepted.add(i)
                changed = True
    place = None
    if locality.county:
        place = Link("locality", "county", locality.county)
    elif locality.city:
        place = Link("locality", "city", locality.city)
    out = []
    for i in sorted(accepted):
        m = titles[i]
        start, end = text.span(m.start(), m.end())
        links = [place] if place else []
        issuer = _issuer(text, m.start(), organizations, rules)
        if issuer:
            links.append(Link("issuedBy", "organization", issuer))
        out.append(Mention(
            source=article.source, article=article.index, type="document",
            name=_title_name(m.group(1)), text=text.printed[m.start():m.end()],
            start=start, end=end, sentence=text.sentence(m.start(), m.end()), links=tuple(links)))
    return tuple(out)
