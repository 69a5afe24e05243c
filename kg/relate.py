"""Mentions of all pages -> entities (one per key, with aliases) and relations between them."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from dataclasses import dataclass

from kg.model import Entity, EntityKey, Link, Mention, PageResult, Relation


def mention_key(mention: Mention) -> EntityKey:
    return EntityKey(mention.type, mention.name, mention.code)


def sort_key(key: EntityKey) -> tuple[str, str, str]:
    return (key.type, key.name, key.code or "")


def _coded_keys(mentions: Iterable[Mention]) -> dict[tuple[str, str], set[EntityKey]]:
    coded: dict[tuple[str, str], set[EntityKey]] = defaultdict(set)
    for m in mentions:
        if m.code:
            coded[(m.type, m.name)].add(mention_key(m))
        for link in m.links:
            if link.target_code:
                coded[(link.target_type, link.target_name)].add(
                    EntityKey(link.target_type, link.target_name, link.target_code))
    return coded


class KeyResolver:
    """Turns a (type, name) named without a code into the coded key, where only one place bears that name."""

    def __init__(self, mentions: Iterable[Mention]):
        self._coded = _coded_keys(mentions)

    def resolve(self, type_: str, name: str, code: str | None) -> EntityKey:
        if code is None:
            candidates = self._coded.get((type_, name), set())
            if len(candidates) == 1:
                return next(iter(candidates))
        return EntityKey(type_, name, code)

    def link_target(self, link: Link) -> EntityKey:
        return self.resolve(link.target_type, link.target_name, link.target_code)


def all_mentions(results: Iterable[PageResult]) -> list[Mention]:
    return [m for r in results for m in r.mentions]


def collect_entities(results: Iterable[PageResult]) -> tuple[Entity, ...]:
    """One Entity per key: mentioned ones with their surface forms, link targets, credited people."""
    results = list(results)
    mentions = all_mentions(results)
    resolver = KeyResolver(mentions)
    surfaces: dict[EntityKey, set[str]] = defaultdict(set)
    kinds: dict[EntityKey, Counter] = defaultdict(Counter)
    for m in mentions:
        key = resolver.resolve(m.type, m.name, m.code)
        surfaces[key].add(m.text)
        if m.kind and m.type == "organization":
            kinds[key][m.kind] += 1
        for link in m.links:
            surfaces.setdefault(resolver.link_target(link), set())
    for r in results:
        for article in r.articles:
            for credit in article.credits:
                surfaces[EntityKey("reporter", credit.name)].add(credit.name)
        for _, subject_keys in r.subjects:
            for key in subject_keys:
                surfaces.setdefault(resolver.resolve(key.type, key.name, key.code), set())
    entities = []
    for key in sorted(surfaces, key=sort_key):
        kind = min(kinds[key].items(), key=lambda kv: (-kv[1], kv[0]))[0] if kinds[key] else None
        aliases = tuple(sorted(surfaces[key] - {key.name}))
        entities.append(Entity(key.type, key.name, key.code, aliases, kind))
    return tuple(entities)


def collect_relations(results: Iterable[PageResult]) -> tuple[Relation, ...]:
    """The entity-to-entity edges the finders recorded as links, once each."""
    mentions = all_mentions(results)
    resolver = KeyResolver(mentions)
    relations = {
        Relation(resolver.resolve(m.type, m.name, m.code), link.predicate, resolver.link_target(link))
        for m in mentions
        for link in m.links
    }
    return tuple(sorted(relations, key=lambda r: (sort_key(r.subject), r.predicate, sort_key(r.object))))


@dataclass(frozen=True)
class Linked:
    """The pages' results with their entities, relations and the entity each mention names."""

    results: tuple[PageResult, ...]
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
    entity_of: dict  # Mention -> EntityKey
    resolver: KeyResolver

    def resolve(self, key: EntityKey) -> EntityKey:
        return self.resolver.resolve(key.type, key.name, key.code)


def relate(results: Iterable[PageResult]) -> Linked:
    results = tuple(results)
    resolver = KeyResolver(all_mentions(results))
    entity_of = {m: resolver.resolve(m.type, m.name, m.code) for m in all_mentions(results)}
    return Linked(results, collect_entities(results), collect_relations(results), entity_of, resolver)
