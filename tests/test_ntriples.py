"""kg.rdf.nt_line writes each triple as the line rdflib's N-Triples serializer writes for it."""
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib import namespace
from rdflib.plugins.serializers.nt import _nt_row

from kg.export.formats import sorted_ntriples
from kg.model import Credit, Quantity
from kg.rdf import Lit, _bool, _decimal, _int, entity_triples, nt_line, page_triples, to_graph
from kg.relate import relate

from conftest import ODD_TEXTS

S = "https://w3id.org/dangjian-kg/id/article/p/0"
P = "https://w3id.org/dangjian-kg/ontology#text"



def _rdflib_row(obj) -> str:
    return _nt_row((URIRef(S), URIRef(P), obj))


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_ntriples_language_literal_is_escaped_as_rdflib_does(text):
    assert nt_line((S, P, Lit(text, "zh"))) == _rdflib_row(Literal(text, lang="zh"))


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_ntriples_plain_literal_is_escaped_as_rdflib_does(text):
    assert nt_line((S, P, Lit(text))) == _rdflib_row(Literal(text))


@pytest.mark.parametrize("value", [0, 7, 2250, 10**20])
def test_ntriples_integer_literal_as_rdflib_writes_a_python_int(value):
    assert nt_line((S, P, _int(value))) == _rdflib_row(Literal(value, datatype=namespace.XSD.integer))


@pytest.mark.parametrize("value", [True, False])
def test_ntriples_boolean_literal_as_rdflib_writes_a_python_bool(value):
    assert nt_line((S, P, _bool(value))) == _rdflib_row(Literal(value))


@pytest.mark.parametrize("value", ["2250", "2250.0", "0.5", "12.50", "1E+3", "-3", "007", "not a number"])
def test_ntriples_decimal_literal_in_rdflibs_canonical_form(value):
    assert nt_line((S, P, _decimal(value))) == _rdflib_row(Literal(value, datatype=namespace.XSD.decimal))


def test_ntriples_iri_object():
    other = "https://w3id.org/dangjian-kg/id/place/370832000000"
    assert nt_line((S, P, other)) == _rdflib_row(URIRef(other))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_ntriples_any_text_is_written_as_rdflib_writes_it(text):
    assert nt_line((S, P, Lit(text, "zh"))) == _rdflib_row(Literal(text, lang="zh"))


def test_ntriples_page_lines_are_rdflibs_on_a_page_of_odd_characters(tiny_result):
    """Headline, credit, mention text, sentence and a quantity holding every kind of odd character."""
    odd = "".join(ODD_TEXTS)
    article = replace(tiny_result.articles[0], headline=f"标题{odd}", dateline="梁山\t讯",
                      credits=(Credit('甲"乙', "reporter", 7, 10),))
    mentions = tuple(replace(m, text=m.text + "\u2028", sentence=odd + m.sentence) for m in tiny_result.mentions)
    quantity = Quantity("tiny.txt", 0, "2250.0", "名\\人", '党员"们', True, "2250余名", 3, 9, f"句{odd}")
    result = replace(tiny_result, articles=(article,), mentions=mentions, quantities=(quantity,))
    linked = relate([result])
    ours = {nt_line(t) for t in page_triples(result, linked)} | {nt_line(t) for t in entity_triples(linked)}
    assert "".join(sorted(ours)) == sorted_ntriples(to_graph(linked))
