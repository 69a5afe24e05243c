"""The only module that builds rdflib graphs: linked results -> triples.

Identifiers are derived from content, never from build order: a coded place
is `id/place/<division code>`, any other entity `id/<type>/<hash of its
name>`, an article `id/article/<page>/<index>`, a mention
`id/mention/<page>/<start>-<end>-<type>-<hash of name>`.
"""
from __future__ import annotations

import hashlib
from pathlib import PurePath
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.model import DATELINE_KIND, Article, EntityKey, Mention, PageResult, Quantity
from kg.relate import Linked
from kg.vocab import CLASS_OF_TYPE, DJ, ID, PROPERTY_OF_LINK, SCHEMA


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _page_slug(source: str) -> str:
    return quote(PurePath(source).stem, safe="")


def entity_iri(key: EntityKey) -> URIRef:
    if key.code:
        return ID[f"place/{key.code}"]
    digest = hashlib.sha1(f"{key.type}|{key.name}".encode("utf-8")).hexdigest()[:16]
    return ID[f"{key.type}/{digest}"]


def article_iri(article: Article) -> URIRef:
    return ID[f"article/{_page_slug(article.source)}/{article.index}"]


def _name_digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def mention_iri(source: str, start: int, end: int, type_: str, name: str) -> URIRef:
    """One span can name two entities of a type (省市委: the provincial and the city committee)."""
    return ID[f"mention/{_page_slug(source)}/{start}-{end}-{type_}-{_name_digest(name)}"]


def new_graph() -> Graph:
    g = Graph()
    g.bind("dj", DJ._NS)
    g.bind("id", ID)
    g.bind("skos", SKOS)
    g.bind("schema", SCHEMA)
    return g


def to_graph(linked: Linked) -> Graph:
    g = new_graph()
    add_entities(g, linked)
    for result in linked.results:
        add_page(g, result, linked)
    return g


def page_graph_iri(source: str) -> URIRef:
    return ID[f"graph/{_page_slug(source)}"]


ENTITIES_GRAPH = ID["graph/entities"]


def to_dataset(linked: Linked) -> Dataset:
    """Entities and their relations in one named graph, each page's articles and evidence in its own."""
    ds = Dataset()
    for prefix, ns in new_graph().namespaces():
        ds.bind(prefix, ns)
    add_entities(ds.graph(ENTITIES_GRAPH), linked)
    for result in linked.results:
        add_page(ds.graph(page_graph_iri(result.page.source)), result, linked)
    return ds


def add_entities(g: Graph, linked: Linked) -> None:
    for entity in linked.entities:
        node = entity_iri(entity.key)
        g.add((node, RDF.type, CLASS_OF_TYPE[entity.type]))
        g.add((node, RDFS.label, _zh(entity.name)))
        for alias in entity.aliases:
            g.add((node, SKOS.altLabel, _zh(alias)))
        if entity.code:
            g.add((node, DJ.divisionCode, Literal(entity.code)))
        if entity.kind:
            g.add((node, DJ.orgKind, Literal(entity.kind)))
    for rel in linked.relations:
        g.add((entity_iri(rel.subject), PROPERTY_OF_LINK[rel.predicate], entity_iri(rel.object)))


def add_page(g: Graph, result: PageResult, linked: Linked) -> None:
    subjects = dict(result.subjects)
    for article in result.articles:
        _add_article(g, article, tuple(linked.resolve(k) for k in subjects.get(article.index, ())))
    for mention in result.mentions:
        _add_mention(g, mention, linked.entity_of[mention])
    for quantity in result.quantities:
        _add_quantity(g, quantity, linked.resolve(quantity.of) if quantity.of else None)


def _add_quantity(g: Graph, quantity: Quantity, of: EntityKey | None) -> None:
    article = ID[f"article/{_page_slug(quantity.source)}/{quantity.article}"]
    node = ID[f"quantity/{_page_slug(quantity.source)}/{quantity.start}-{quantity.end}"]
    g.add((node, RDF.type, DJ.Quantity))
    g.add((article, DJ.reports, node))
    g.add((node, SCHEMA.value, Literal(quantity.value, datatype=XSD.decimal)))
    g.add((node, SCHEMA.unitText, _zh(quantity.unit)))
    g.add((node, DJ.approximate, Literal(quantity.approximate)))
    if quantity.counts:
        g.add((node, DJ.counts, _zh(quantity.counts)))
    if of is not None:
        g.add((node, DJ.quantityOf, entity_iri(of)))
    evidence = mention_iri(quantity.source, quantity.start, quantity.end, "quantity", quantity.text)
    g.add((node, DJ.evidence, evidence))
    _add_evidence(g, evidence, node, article, quantity.start, quantity.end, quantity.text, quantity.sentence)


def _add_article(g: Graph, article: Article, subjects: tuple[EntityKey, ...]) -> None:
    node = article_iri(article)
    g.add((node, RDF.type, DJ.Article))
    g.add((node, DJ.sourceFile, Literal(article.source)))
    g.add((node, DJ.kind, Literal(article.kind)))
    g.add((node, DJ.startOffset, _int(article.start)))
    g.add((node, DJ.endOffset, _int(article.end)))
    if article.headline:
        g.add((node, DJ.headline, _zh(article.headline)))
    if article.dateline:
        g.add((node, DJ.dateline, _zh(article.dateline)))
    for credit in article.credits:
        person = entity_iri(EntityKey("reporter", credit.name))
        g.add((node, DJ.reporter if credit.role == "reporter" else DJ.photographer, person))
        evidence = mention_iri(article.source, credit.start, credit.end, "reporter", credit.name)
        _add_evidence(g, evidence, person, node, credit.start, credit.end, credit.name, None)
    for key in subjects:
        g.add((node, DJ.about, entity_iri(key)))


def _add_mention(g: Graph, mention: Mention, key: EntityKey) -> None:
    article = ID[f"article/{_page_slug(mention.source)}/{mention.article}"]
    entity = entity_iri(key)
    if mention.kind != DATELINE_KIND:
        g.add((article, DJ.mentions, entity))
    node = mention_iri(mention.source, mention.start, mention.end, mention.type, mention.name)
    _add_evidence(g, node, entity, article, mention.start, mention.end, mention.text, mention.sentence)


def _add_evidence(g, node, entity, article, start, end, text, sentence) -> None:
    g.add((node, RDF.type, DJ.Mention))
    g.add((node, DJ.mentionOf, entity))
    g.add((node, DJ.inArticle, article))
    g.add((node, DJ.startOffset, _int(start)))
    g.add((node, DJ.endOffset, _int(end)))
    g.add((node, DJ.text, _zh(text)))
    if sentence:
        g.add((node, DJ.sentence, _zh(sentence)))
