"""Composes the stages, one direction:

    read pages -> segment articles -> normalise each article's text
      -> places -> story locality (the page's home city for a story that names no place)
      -> organizations -> programs, documents, people, quantities
      -> relate (entities, relations) -> rdf graph
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from kg.errors import PageError
from kg.extract.documents import find_documents
from kg.extract.organizations import find_organizations
from kg.extract.people import find_people
from kg.extract.places import find_places, story_locality
from kg.extract.programs import find_programs
from kg.extract.quantities import find_quantities
from kg.gazetteer import load_gazetteer
from kg.model import Article, EntityKey, Locality, Mention, Page, PageResult, Quantity
from kg.normalize import Normalized, normalize
from kg.relate import Linked, relate
from kg.segment import segment


def subject_keys(locality: Locality, places: Iterable[Mention]) -> tuple[EntityKey, ...]:
    """The county (or, for a story of the whole city, the city) the story is about."""
    if not locality.subject:
        return ()
    type_ = "county" if locality.county else "city"
    for m in places:
        if m.type == type_ and m.name == locality.subject:
            return (EntityKey(m.type, m.name, m.code),)
    return (EntityKey(type_, locality.subject),)


@dataclass(frozen=True)
class ArticleFindings:
    mentions: tuple[Mention, ...]
    subjects: tuple[EntityKey, ...]
    quantities: tuple[Quantity, ...]


_NEWLINE = re.compile("\n")


def sentence_breaks(page: Page, article: Article, text: Normalized) -> frozenset[int]:
    """Where sentences start besides after punctuation: the body's first character, and outside
    the body (headline, kicker, dateline lines) every printed line."""
    origin = text.origin
    breaks = set()
    for boundary in (article.body_start, article.body_end):
        i = bisect_left(origin, boundary)  # the first kept character at or after the boundary
        if 0 < i < len(origin):
            breaks.add(i)
    for newline in _NEWLINE.finditer(page.text, article.start, article.end):
        i = bisect_right(origin, newline.start())  # the first kept character after the line break
        if 0 < i < len(origin) and not article.body_start <= origin[i] < article.body_end:
            breaks.add(i)
    return frozenset(breaks)


@dataclass(frozen=True)
class LocatedArticle:
    """An article with its normalised text, the places it names and the story's place."""

    article: Article
    text: Normalized
    places: tuple[Mention, ...]
    locality: Locality


def locate_article(page: Page, article: Article) -> LocatedArticle | None:
    text = normalize(page.text[article.start:article.end], base=article.start)
    if not text.text:
        return None
    text = text.with_breaks(sentence_breaks(page, article, text))
    gazetteer = load_gazetteer()
    places = find_places(article, text, gazetteer)
    return LocatedArticle(article, text, places, story_locality(article, places, gazetteer))


def home_locality(localities: Iterable[Locality]) -> Locality:
    """The paper's own city: the city most stories of the page are placed in (ties: by name).

    A story that names no place at all (`本报讯（记者 …）市委组织部召开…`) is a story of the
    paper's city, so its relative names (市委组织部) are that city's.
    """
    counts = Counter((loc.city, loc.province) for loc in localities if loc.city)
    if not counts:
        return Locality(None, None, None)
    (city, province), _ = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Locality(None, city, province)


def extract_article(located: LocatedArticle, home: Locality) -> ArticleFindings:
    article, text, places = located.article, located.text, located.places
    locality = located.locality if located.locality.subject else home
    organizations = find_organizations(article, text, locality, places)
    programs = find_programs(article, text, locality, organizations)
    documents = find_documents(article, text, locality, organizations)
    people = find_people(article, text, organizations)
    mentions = places + organizations + programs + documents + people
    quantities = find_quantities(article, text, locality, mentions)
    return ArticleFindings(mentions, subject_keys(locality, places), quantities)


def build_page(page: Page) -> PageResult:
    articles = segment(page)
    located = [found for found in (locate_article(page, a) for a in articles) if found is not None]
    home = home_locality(found.locality for found in located)
    mentions: list[Mention] = []
    quantities: list[Quantity] = []
    subjects = {article.index: () for article in articles}
    for found in located:
        findings = extract_article(found, home)
        mentions.extend(findings.mentions)
        quantities.extend(findings.quantities)
        subjects[found.article.index] = findings.subjects
    ordered = sorted(set(mentions), key=mention_order)
    return PageResult(page, articles, tuple(ordered), tuple(sorted(subjects.items())), tuple(quantities))


def mention_order(m: Mention) -> tuple:
    """A total order of a page's mentions as far as their triples differ (not `links`), so that the
    triples come in one order whatever the hash seed (the streaming writer keeps that order)."""
    return m.article, m.start, m.end, m.type, m.name, m.code or "", m.kind or ""


@dataclass(frozen=True)
class Build:
    """What a build produced and what it had to skip."""

    linked: Linked
    skipped: tuple[PageError, ...]


def build(pages: Iterable[Page | PageError]) -> Build:
    """Build every page; a page that fails is reported and skipped, the others go on."""
    results: list[PageResult] = []
    skipped: list[PageError] = []
    for page in pages:
        if isinstance(page, PageError):
            skipped.append(page)
            continue
        try:
            results.append(build_page(page))
        except Exception as exc:  # noqa: BLE001 - one bad page must never stop the others
            skipped.append(PageError(page.source, f"could not be built ({type(exc).__name__}: {exc})"))
    results.sort(key=lambda r: r.page.source)
    return Build(relate(results), tuple(sorted(skipped, key=lambda e: e.source)))
