"""The ontology declares, labels and aligns every term the build writes; the shapes cover every class."""
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg.validate import declared_terms, ontology_dir, ontology_graph, shapes_graph
from kg.vocab import DJ, DJ_IRI

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ONTOLOGY_ONLY = Namespace(DJ_IRI)  # superclasses the build never writes, so not in the closed DJ
ONTOLOGY_IRI = URIRef("https://w3id.org/dangjian-kg/ontology")

VOCAB_TERMS = [DJ[name] for name in DJ.__annotations__]
VOCAB_CLASSES = [t for t in VOCAB_TERMS if t.fragment[0].isupper()]
VOCAB_PROPERTIES = [t for t in VOCAB_TERMS if t.fragment[0].islower()]
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)


def _languages(graph: Graph, term, predicate) -> set[str]:
    return {o.language for o in graph.objects(term, predicate) if isinstance(o, Literal)}


def test_ontology_files_are_found_and_parse():
    assert (ontology_dir() / "dangjian.ttl").is_file()
    assert len(ontology_graph()) > 100 and len(shapes_graph()) > 100


def test_ontology_header_has_version_label_and_comment():
    g = ontology_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert {"zh", "en"} <= _languages(g, ONTOLOGY_IRI, RDFS.label)
    assert {"zh", "en"} <= _languages(g, ONTOLOGY_IRI, RDFS.comment)


def test_ontology_vocab_is_not_empty():
    # Guards the parametrised tests below against silently testing nothing.
    assert len(VOCAB_CLASSES) >= 13 and len(VOCAB_PROPERTIES) >= 20


@pytest.mark.parametrize("term", VOCAB_CLASSES, ids=lambda t: t.fragment)
def test_ontology_declares_every_vocab_class(term):
    assert (term, RDF.type, OWL.Class) in ontology_graph()


@pytest.mark.parametrize("term", VOCAB_PROPERTIES, ids=lambda t: t.fragment)
def test_ontology_declares_every_vocab_property_with_domain_and_range(term):
    g = ontology_graph()
    assert any((term, RDF.type, kind) in g for kind in PROPERTY_TYPES)
    assert g.value(term, RDFS.domain) is not None
    assert g.value(term, RDFS.range) is not None


@pytest.mark.parametrize("term", sorted(declared_terms()), ids=lambda t: t.fragment)
def test_ontology_every_declared_term_has_chinese_and_english_label_and_comment(term):
    g = ontology_graph()
    assert {"zh", "en"} <= _languages(g, term, RDFS.label)
    assert {"zh", "en"} <= _languages(g, term, RDFS.comment)


def test_ontology_every_domain_and_range_is_declared_or_external():
    g = ontology_graph()
    for prop in (t for t in declared_terms() if t.fragment[0].islower()):
        for bound in (g.value(prop, RDFS.domain), g.value(prop, RDFS.range)):
            members = Collection(g, g.value(bound, OWL.unionOf)) if g.value(bound, OWL.unionOf) else [bound]
            for member in members:
                assert not str(member).startswith(DJ_IRI) or member in declared_terms(), (prop, member)


@pytest.mark.parametrize(
    "triple",
    [
        (DJ.Article, RDFS.subClassOf, SCHEMA.NewsArticle),
        (DJ.Organization, RDFS.subClassOf, ORG.Organization),
        (DJ.Organization, RDFS.subClassOf, SCHEMA.Organization),
        (DJ.Person, RDFS.subClassOf, SCHEMA.Person),
        (DJ.Reporter, RDFS.subClassOf, DJ.Person),
        (DJ.Mention, RDFS.subClassOf, PROV.Entity),
        (DJ.Quantity, RDFS.subClassOf, SCHEMA.QuantitativeValue),
        (DJ.reporter, RDFS.subPropertyOf, SCHEMA.author),
        (DJ.photographer, RDFS.subPropertyOf, SCHEMA.contributor),
        (DJ.locatedIn, RDFS.subPropertyOf, SCHEMA.containedInPlace),
        (DJ.about, RDFS.subPropertyOf, SCHEMA.about),
        (DJ.mentions, RDFS.subPropertyOf, SCHEMA.mentions),
        (DJ.inArticle, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    ],
    ids=lambda t: f"{t[0].fragment}-{t[2].split('/')[-1]}",
)
def test_ontology_alignment_triple_is_present(triple):
    assert triple in ontology_graph()


@pytest.mark.parametrize("place", [DJ.Province, DJ.City, DJ.County, DJ.Town, DJ.Village, DJ.Community])
def test_ontology_every_place_is_an_administrative_area(place):
    g = ontology_graph()
    assert (place, RDFS.subClassOf, ONTOLOGY_ONLY.Place) in g
    assert (ONTOLOGY_ONLY.Place, RDFS.subClassOf, SCHEMA.AdministrativeArea) in g


def test_ontology_org_kinds_in_shapes_match_the_concept_scheme():
    ontology, shapes = ontology_graph(), shapes_graph()
    scheme = DJ_IRI + "OrganizationKind"
    notations = {str(ontology.value(c, SKOS.notation)) for c in ontology.subjects(SKOS.inScheme, URIRef(scheme))}
    allowed = set()
    for prop in shapes.subjects(SH.path, DJ.orgKind):
        if shapes.value(prop, SH["in"]) is not None:
            allowed |= {str(v) for v in Collection(shapes, shapes.value(prop, SH["in"]))}
    assert len(notations) == 10 and allowed == notations


def _targeted_classes(shapes: Graph, ontology: Graph) -> set[URIRef]:
    """Classes some shape targets, directly or through an ontology superclass."""
    targets = set(shapes.objects(None, SH.targetClass))
    covered = set()
    for cls in declared_terms():
        ancestors = set(ontology.transitive_objects(cls, RDFS.subClassOf))
        if ancestors & targets:
            covered.add(cls)
    return covered


@pytest.mark.parametrize("cls", VOCAB_CLASSES, ids=lambda t: t.fragment)
def test_ontology_every_class_has_a_shape(cls):
    assert cls in _targeted_classes(shapes_graph(), ontology_graph())


def test_ontology_every_dj_term_the_shapes_use_is_declared():
    # A misspelt class in sh:class would make every value fail (or a target match nothing) silently.
    shapes = shapes_graph()
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(DJ_IRI)}
    assert used and used <= declared_terms(), sorted(used - declared_terms())


def test_ontology_every_dj_term_the_ontology_mentions_is_declared_or_an_org_kind():
    g = ontology_graph()
    mentioned = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(DJ_IRI)}
    scheme = URIRef(DJ_IRI + "OrganizationKind")
    concepts = set(g.subjects(SKOS.inScheme, scheme)) | {scheme}
    assert mentioned - concepts <= declared_terms(), sorted(mentioned - concepts - declared_terms())
