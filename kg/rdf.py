"""The single definition of the graph's triples: linked results -> triples -> rdflib graphs or N-Triples lines.

Triples are first plain values (`Triple`: subject IRI, predicate IRI, object IRI or `Lit`),
from `entity_triples` and `page_triples`. `to_graph`/`to_dataset` turn them into rdflib
terms; `nt_lines` writes them as the N-Triples line rdflib's serializer would write, so the
streaming build (`kg.stream`) never builds rdflib terms for the bulk of an archive.

Identifiers are derived from content, never from build order: a coded place
is `id/place/<division code>`, any other entity `id/<type>/<hash of its
name>`, an article `id/article/<page>/<index>`, a mention
`id/mention/<page>/<start>-<end>-<type>-<hash of name>`.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import PurePath
from types import SimpleNamespace
from typing import Iterable, Iterator, NamedTuple, Union
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.model import DATELINE_KIND, Article, EntityKey, Mention, PageResult, Quantity
from kg.relate import Linked
from kg.vocab import CLASS_OF_TYPE, DJ, ID, PROPERTY_OF_LINK, SCHEMA


class Lit(NamedTuple):
    """A literal as plain values: its lexical form, and a language tag or a datatype IRI (or neither)."""

    lexical: str
    lang: str | None = None
    datatype: str | None = None


Triple = tuple[str, str, Union[str, Lit]]  # subject IRI, predicate IRI, object IRI (str) or literal

# The vocabulary as plain strings: looking a term up in a DefinedNamespace builds a new URIRef each time.
_DJ = SimpleNamespace(**{name: str(DJ[name]) for name in DJ.__annotations__})
_TYPE, _LABEL, _ALT_LABEL = str(RDF.type), str(RDFS.label), str(SKOS.altLabel)
_VALUE, _UNIT_TEXT = str(SCHEMA.value), str(SCHEMA.unitText)
_CLASS_OF_TYPE = {type_: str(iri) for type_, iri in CLASS_OF_TYPE.items()}
_PROPERTY_OF_LINK = {predicate: str(iri) for predicate, iri in PROPERTY_OF_LINK.items()}
_ID = str(ID)
_XSD_INTEGER, _XSD_DECIMAL, _XSD_BOOLEAN = str(XSD.integer), str(XSD.decimal), str(XSD.boolean)


# `tuple.__new__` makes a `Lit` without the Python-level `__new__` of a NamedTuple: an archive makes
# a few hundred thousand literals per MB.
_new_lit = tuple.__new__


def _zh(text: str) -> Lit:
    return _new_lit(Lit, (text, "zh", None))


def _int(value: int) -> Lit:
    return _new_lit(Lit, (str(value), None, _XSD_INTEGER))


def _bool(value: bool) -> Lit:
    return Lit("true" if value else "false", None, _XSD_BOOLEAN)


@lru_cache(maxsize=4096)
def _decimal(value: str) -> Lit:
    """rdflib writes a decimal in its canonical form (`2250.0` stays, `1E+3` becomes `1000`): ask it."""
    return Lit(str(Literal(value, datatype=XSD.decimal)), None, _XSD_DECIMAL)


@lru_cache(maxsize=4096)
def _page_slug(source: str) -> str:
    return quote(PurePath(source).stem, safe="")


@lru_cache(maxsize=1 << 16)
def entity_ref(key: EntityKey) -> str:
    """The IRI of an entity, as a string."""
    if key.code:
        return f"{_ID}place/{key.code}"
    digest = hashlib.sha1(f"{key.type}|{key.name}".encode("utf-8")).hexdigest()[:16]
    return f"{_ID}{key.type}/{digest}"


def entity_iri(key: EntityKey) -> URIRef:
    return URIRef(entity_ref(key))


def _article_ref(source: str, index: int) -> str:
    return f"{_ID}article/{_page_slug(source)}/{index}"


def article_iri(article: Article) -> URIRef:
    return URIRef(_article_ref(article.source, article.index))


@lru_cache(maxsize=1 << 16)
def _name_digest(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def _mention_ref(source: str, start: int, end: int, type_: str, name: str) -> str:
    """One span can name two entities of a type (省市委: the provincial and the city committee)."""
    return f"{_ID}mention/{_page_slug(source)}/{start}-{end}-{type_}-{_name_digest(name)}"


# ---------------------------------------------------------------- rdflib graphs
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


@lru_cache(maxsize=1 << 14)
def to_term(value: str | Lit) -> URIRef | Literal:
    """The rdflib term of an IRI or literal; cached, as a page repeats its nodes, offsets and sentences."""
    if isinstance(value, Lit):
        datatype = URIRef(value.datatype) if value.datatype else None
        return Literal(value.lexical, lang=value.lang, datatype=datatype)
    return URIRef(value)


def _add_all(g, triples: Iterator[Triple]) -> None:
    """`g` is an rdflib Graph, or anything that takes `add((s, p, o))` of rdflib terms."""
    for s, p, o in triples:
        g.add((to_term(s), to_term(p), to_term(o)))


def add_entities(g: Graph, linked: Linked) -> None:
    _add_all(g, entity_triples(linked))


def add_page(g: Graph, result: PageResult, linked: Linked) -> None:
    _add_all(g, page_triples(result, linked))


# ---------------------------------------------------------------- N-Triples lines
_NT_ESCAPED = re.compile('[\\\\\n"\r]')


def _nt_quote(text: str) -> str:
    # As rdflib's N-Triples writer (`rdflib.plugins.serializers.nt._quote_encode`): only these four
    # are escaped; tabs, other control characters and U+2028 are written as they are, in UTF-8.
    # (One search first: most texts hold none of them.)
    if _NT_ESCAPED.search(text) is None:
        return text
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")


def _nt_literal(value: Lit) -> str:
    if value.lang:
        return f'"{_nt_quote(value.lexical)}"@{value.lang}'
    if value.datatype:
        return f'"{_nt_quote(value.lexical)}"^^<{value.datatype}>'
    return f'"{_nt_quote(value.lexical)}"'


def nt_term(value: str | Lit) -> str:
    """An IRI or literal as N-Triples writes it (rdflib's `_nt_row`/`_quoteLiteral`)."""
    return f"<{value}>" if value.__class__ is str else _nt_literal(value)


def nt_lines(triples: Iterable[Triple]) -> list[str]:
    """The N-Triples line of each triple, byte for byte as rdflib's N-Triples serializer writes it."""
    # An archive writes a hundred thousand lines per MB of pages: one comprehension, no call per
    # line, and IRIs (plain `str`) the short way.
    return [f"<{s}> <{p}> <{o}> .\n" if o.__class__ is str else f"<{s}> <{p}> {_nt_literal(o)} .\n"
            for s, p, o in triples]


def nt_line(triple: Triple) -> str:
    """The N-Triples line of one triple."""
    return nt_lines((triple,))[0]


# ---------------------------------------------------------------- the triples
def entity_triples(linked: Linked) -> Iterator[Triple]:
    for entity in linked.entities:
        node = entity_ref(entity.key)
        yield node, _TYPE, _CLASS_OF_TYPE[entity.type]
        yield node, _LABEL, _zh(entity.name)
        for alias in entity.aliases:
            yield node, _ALT_LABEL, _zh(alias)
        if entity.code:
            yield node, _DJ.divisionCode, Lit(entity.code)
        if entity.kind:
            yield node, _DJ.orgKind, Lit(entity.kind)
    for rel in linked.relations:
        yield entity_ref(rel.subject), _PROPERTY_OF_LINK[rel.predicate], entity_ref(rel.object)


def page_triples(result: PageResult, linked: Linked) -> list[Triple]:
    """The page-level triples: its articles, mentions and quantities with their evidence."""
    # Built as one list from tuples (no generators within generators): a page has thousands.
    triples: list[Triple] = []
    subjects = dict(result.subjects)
    for article in result.articles:
        triples += _article_triples(article, tuple(linked.resolve(k) for k in subjects.get(article.index, ())))
    entity_of = linked.entity_of
    for mention in result.mentions:
        triples += _mention_triples(mention, entity_of[mention])
    for quantity in result.quantities:
        triples += _quantity_triples(quantity, linked.resolve(quantity.of) if quantity.of else None)
    return triples


def _quantity_triples(quantity: Quantity, of: EntityKey | None) -> list[Triple]:
    article = _article_ref(quantity.source, quantity.article)
    node = f"{_ID}quantity/{_page_slug(quantity.source)}/{quantity.start}-{quantity.end}"
    evidence = _mention_ref(quantity.source, quantity.start, quantity.end, "quantity", quantity.text)
    triples = [(node, _TYPE, _DJ.Quantity),
               (article, _DJ.reports, node),
               (node, _VALUE, _decimal(quantity.value)),
               (node, _UNIT_TEXT, _zh(quantity.unit)),
               (node, _DJ.approximate, _bool(quantity.approximate))]
    if quantity.counts:
        triples.append((node, _DJ.counts, _zh(quantity.counts)))
    if of is not None:
        triples.append((node, _DJ.quantityOf, entity_ref(of)))
    triples.append((node, _DJ.evidence, evidence))
    triples += _evidence_triples(evidence, node, article, quantity.start, quantity.end, quantity.text,
                                 quantity.sentence)
    return triples


def _article_triples(article: Article, subjects: tuple[EntityKey, ...]) -> list[Triple]:
    node = _article_ref(article.source, article.index)
    triples = [(node, _TYPE, _DJ.Article),
               (node, _DJ.sourceFile, Lit(article.source)),
               (node, _DJ.kind, Lit(article.kind)),
               (node, _DJ.startOffset, _int(article.start)),
               (node, _DJ.endOffset, _int(article.end))]
    if article.headline:
        triples.append((node, _DJ.headline, _zh(article.headline)))
    if article.dateline:
        triples.append((node, _DJ.dateline, _zh(article.dateline)))
    for credit in article.credits:
        person = entity_ref(EntityKey("reporter", credit.name))
        triples.append((node, _DJ.reporter if credit.role == "reporter" else _DJ.photographer, person))
        evidence = _mention_ref(article.source, credit.start, credit.end, "reporter", credit.name)
        triples += _evidence_triples(evidence, person, node, credit.start, credit.end, credit.name, None)
    for key in subjects:
        triples.append((node, _DJ.about, entity_ref(key)))
    return triples


def _mention_triples(mention: Mention, key: EntityKey) -> tuple[Triple, ...]:
    article = _article_ref(mention.source, mention.article)
    entity = entity_ref(key)
    node = _mention_ref(mention.source, mention.start, mention.end, mention.type, mention.name)
    evidence = _evidence_triples(node, entity, article, mention.start, mention.end, mention.text, mention.sentence)
    if mention.kind == DATELINE_KIND:
        return evidence
    return ((article, _DJ.mentions, entity), *evidence)


def _evidence_triples(node, entity, article, start, end, text, sentence) -> tuple[Triple, ...]:
    triples = ((node, _TYPE, _DJ.Mention),
               (node, _DJ.mentionOf, entity),
               (node, _DJ.inArticle, article),
               (node, _DJ.startOffset, _int(start)),
               (node, _DJ.endOffset, _int(end)),
               (node, _DJ.text, _zh(text)))
    return triples + ((node, _DJ.sentence, _zh(sentence)),) if sentence else triples
