"""The values that flow through the pipeline, all immutable.

    Page -> Article -> Mention -> Entity / Relation

Offsets are always character offsets into the page's original text
(`Page.text`), so every fact can be traced to the characters it came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Entity types, in the order the guide lists them.
PLACE_TYPES = ("province", "city", "county", "town", "village", "community")
ENTITY_TYPES = PLACE_TYPES + ("organization", "program", "document", "person", "reporter")

ARTICLE_KINDS = ("news", "feature", "photo")

# Mention.kind of the place printed in a dateline (本报梁山讯): it names where the paper
# filed the story from, evidence for the story's place but not a mention inside the story.
DATELINE_KIND = "dateline"


@dataclass(frozen=True)
class Page:
    """One input file: its name (as written into the graph) and its decoded text."""

    source: str
    text: str


@dataclass(frozen=True)
class Credit:
    """A person credited on an article: `role` is "reporter" or "photographer"."""

    name: str
    role: str
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """One story of a page.

    `start`/`end` span the whole article (headline included) in the original
    text; `body_start`/`body_end` span the running text after the dateline or
    byline (for a photo caption: the caption text).
    """

    source: str
    index: int
    kind: str
    headline: str | None
    dateline: str | None
    credits: tuple[Credit, ...]
    start: int
    end: int
    body_start: int
    body_end: int

    @property
    def reporters(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.credits if c.role == "reporter")

    @property
    def photographers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.credits if c.role == "photographer")


@dataclass(frozen=True)
class Link:
    """An edge from the mentioned entity to another, named by type and canonical name.

    `predicate` is a local name of the dj: vocabulary (locatedIn, launchedIn, runBy).
    """

    predicate: str
    target_type: str
    target_name: str
    target_code: str | None = None  # the target's division code, where it is a coded place


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity in an article, with its evidence.

    `name` is the canonical name the occurrence resolves to; `text` the surface
    form as printed (whitespace removed); `code` the official division code of
    a place where one is known.
    """

    source: str
    article: int
    type: str
    name: str
    text: str
    start: int
    end: int
    sentence: str
    code: str | None = None
    links: tuple[Link, ...] = ()
    kind: str | None = None  # a finer class, e.g. an organization's kind


@dataclass(frozen=True)
class Locality:
    """The story's place, used to qualify relative names and to tie places.

    Canonical names: `county` the county-level unit the story is about (or
    None for a story of a whole city), `city` its prefecture-level city,
    `province` its province.
    """

    county: str | None
    city: str | None
    province: str | None

    @property
    def subject(self) -> str | None:
        return self.county or self.city


@dataclass(frozen=True)
class Entity:
    """A node of the graph: one canonical (type, name), with what every mention said of it."""

    type: str
    name: str
    code: str | None = None
    aliases: tuple[str, ...] = ()
    kind: str | None = None

    @property
    def key(self) -> "EntityKey":
        return EntityKey(self.type, self.name, self.code)


@dataclass(frozen=True, order=True)
class EntityKey:
    """What identifies an entity: its type, canonical name and (for coded places) division code.

    Two same-name towns of different counties differ by code, so they are never merged.
    """

    type: str
    name: str
    code: str | None = None


@dataclass(frozen=True, order=True)
class Relation:
    """A directed edge between two entities."""

    subject: EntityKey
    predicate: str
    object: EntityKey


@dataclass(frozen=True)
class Quantity:
    """A figure a story reports (`选派2250余名民情书记`): value scaled by 万/亿, its unit,
    what it counts, whether it is approximate (余/多/近…), the entity it is attached to,
    and the evidence (printed text, offsets, sentence)."""

    source: str
    article: int
    value: str  # a decimal number as text, so it serialises exactly
    unit: str
    counts: str | None
    approximate: bool
    text: str
    start: int
    end: int
    sentence: str
    of: EntityKey | None = None


@dataclass(frozen=True)
class PageResult:
    """Everything extracted from one page."""

    page: Page
    articles: tuple[Article, ...]
    mentions: tuple[Mention, ...]
    subjects: tuple[tuple[int, tuple["EntityKey", ...]], ...] = field(default=())  # (article index, subjects)
    quantities: tuple[Quantity, ...] = ()
