from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from kg.model import EntityKey
from kg.rdf import entity_iri, to_graph
from kg.relate import relate
from kg.vocab import DJ


def _graph(result):
    return to_graph(relate([result]))


def test_rdf_coded_place_iri_is_built_from_its_division_code():
    assert str(entity_iri(EntityKey("county", "梁山县", "370832000000"))).endswith("/place/370832000000")


def test_rdf_entity_iri_is_ascii_and_stable():
    iri = str(entity_iri(EntityKey("program", "四联四助行动")))
    assert iri.isascii() and iri == str(entity_iri(EntityKey("program", "四联四助行动")))


def test_rdf_link_without_code_joins_the_coded_place(tiny_result):
    g = _graph(tiny_result)
    town = entity_iri(EntityKey("town", "馆驿镇", "370832107000"))
    county = entity_iri(EntityKey("county", "梁山县", "370832000000"))
    assert (town, DJ.locatedIn, county) in g
    assert len(list(g.subjects(RDFS.label, Literal("梁山县", lang="zh")))) == 1


def test_rdf_every_mention_carries_its_evidence(tiny_result):
    g = _graph(tiny_result)
    text = tiny_result.page.text
    mentions = list(g.subjects(RDF.type, DJ.Mention))
    assert len(mentions) == 4  # three entities and one credited reporter
    for m in mentions:
        start, end = int(g.value(m, DJ.startOffset)), int(g.value(m, DJ.endOffset))
        assert text[start:end] == str(g.value(m, DJ.text))
        assert g.value(m, DJ.mentionOf) is not None and g.value(m, DJ.inArticle) is not None


def test_rdf_program_alias_keeps_the_printed_form(tiny_result):
    g = _graph(tiny_result)
    program = entity_iri(EntityKey("program", "四联四助行动"))
    assert {str(x) for x in g.objects(program, None) if getattr(x, "language", None) == "zh"} == {
        "四联四助行动", "“四联四助”行动"}


def test_rdf_turtle_is_byte_identical_across_builds(tiny_result):
    first = _graph(tiny_result).serialize(format="turtle")
    second = _graph(tiny_result).serialize(format="turtle")
    assert first == second
    assert len(Graph().parse(data=first, format="turtle")) == len(_graph(tiny_result))
