"""kg.export.turtle.turtle_text writes the graph's plain triples as Turtle that reads back as the same graph."""
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.export.formats import sorted_ntriples
from kg.export.turtle import PREFIXES, turtle_text
from kg.model import Quantity
from kg.pipeline import build_page
from kg.rdf import Lit, _bool, _decimal, _int, entity_triples, page_triples, to_graph, to_term
from kg.read import read_page
from kg.relate import relate
from kg.vocab import DJ_IRI, ID

from conftest import ODD_TEXTS

XSD = "http://www.w3.org/2001/XMLSchema#"  # a plain string: pytest probes module names, and XSD warns
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
S = f"{ID}article/p/0"
P = f"{DJ_IRI}text"



def _triples(linked):
    yield from entity_triples(linked)
    for result in linked.results:
        yield from page_triples(result, linked)


def _parse(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _read_back(obj) -> object:
    """The object of the one triple (S, P, obj), written as Turtle and read back by rdflib."""
    graph = _parse(turtle_text([(S, P, obj)]))
    assert len(graph) == 1
    return graph.value(URIRef(S), URIRef(P))


def _assert_same_graph(linked):
    text = turtle_text(_triples(linked))
    ours, theirs = _parse(text), to_graph(linked)
    assert len(ours) == len(theirs) > 0
    assert isomorphic(ours, theirs)
    assert sorted_ntriples(ours) == sorted_ntriples(theirs)


def test_turtle_of_a_page_reads_back_as_to_graph(tiny_result):
    """Tiny page plus a quantity whose texts hold every kind of odd character."""
    odd = "".join(ODD_TEXTS)
    article = replace(tiny_result.articles[0], headline=f"标题{odd}")
    mentions = tuple(replace(m, sentence=odd + m.sentence) for m in tiny_result.mentions)
    quantity = Quantity("tiny.txt", 0, "2250.0", "名\\人", '党员"们', True, "2250余名", 3, 9, f"句{odd}")
    _assert_same_graph(relate([replace(tiny_result, articles=(article,), mentions=mentions,
                                       quantities=(quantity,))]))


def test_turtle_of_a_built_seed_page_reads_back_as_to_graph():
    seed = sorted(SEEDS.glob("*.txt"))[0]
    _assert_same_graph(relate([build_page(read_page(seed))]))


def test_turtle_is_the_same_whatever_the_order_of_the_triples(tiny_result):
    linked = relate([replace(tiny_result, quantities=(
        Quantity("tiny.txt", 0, "1E+3", "名", "党员", False, "1000名", 3, 9, "句"),))])
    triples = list(_triples(linked))
    expected = turtle_text(triples)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = triples + rng.sample(triples, 10)  # some twice
        rng.shuffle(shuffled)
        assert turtle_text(iter(shuffled)) == expected
    assert turtle_text(reversed(triples)) == expected


def test_turtle_writes_a_repeated_triple_once():
    once = turtle_text([(S, P, Lit("文", "zh"))])
    assert turtle_text([(S, P, Lit("文", "zh"))] * 3) == once
    assert once.count('"文"@zh') == 1


def test_turtle_block_layout():
    o1, o2 = f"{ID}place/2", f"{ID}place/1"
    text = turtle_text([(S, f"{DJ_IRI}mentions", o1), (S, P, Lit("文", "zh")), (S, f"{DJ_IRI}mentions", o2),
                        (S, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"{DJ_IRI}Article"),
                        (o2, P, Lit("二"))])
    assert text == (
        "@prefix dj: <https://w3id.org/dangjian-kg/ontology#> .\n"
        "\n"
        f"<{S}> a dj:Article ;\n"
        f"    dj:mentions <{o2}>,\n"
        f"        <{o1}> ;\n"
        '    dj:text "文"@zh .\n'
        "\n"
        f'<{o2}> dj:text "二" .\n')


def test_turtle_declares_only_the_prefixes_it_uses_in_a_fixed_order():
    text = turtle_text([(S, "https://schema.org/value", Lit("1.5", None, XSD + "decimal")),
                        (S, "http://www.w3.org/2004/02/skos/core#altLabel", Lit("别名", "zh")),
                        (S, P, Lit("2024-01-01", None, XSD + "date"))])
    declared = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == ["dj:", "schema:", "skos:", "xsd:"]  # 1.5 is bare: xsd: only for xsd:date
    order = [prefix for prefix, _ in PREFIXES]
    assert order == ["dj", "id", "rdf", "rdfs", "schema", "skos", "xsd"]


def test_turtle_of_no_triples_is_empty():
    assert turtle_text([]) == ""
    assert len(_parse(turtle_text([]))) == 0


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("make", [lambda t: Lit(t, "zh"), lambda t: Lit(t), lambda t: Lit(t, None, XSD + "string"),
                                  lambda t: Lit(t, None, "http://example.org/dt#x")])
def test_turtle_hard_literals_round_trip(text, make):
    lit = make(text)
    assert _read_back(lit) == to_term(lit)
    assert str(_read_back(lit)) == text


def test_turtle_keeps_every_literal_on_one_line():
    text = turtle_text([(S, P, Lit("".join(ODD_TEXTS), "zh"))])
    line = next(line for line in text.split("\n") if "dj:text" in line)
    assert line.startswith(f"<{S}> dj:text \"")
    assert not any(c in line for c in "\x00\r\t\x85\u2028\u2029")
    assert "\\u0000" in line and "\\u2028" in line and "\\u0085" in line and "\\t" in line


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_turtle_any_text_round_trips(text):
    assert str(_read_back(Lit(text, "zh"))) == text
    assert str(_read_back(Lit(text))) == text


@pytest.mark.parametrize("lit, written", [
    (_int(0), "0"), (_int(-7), "-7"), (_int(10**20), str(10**20)),
    (_bool(True), "true"), (_bool(False), "false"),
    (_decimal("2250.0"), "2250.0"), (_decimal("0.5"), "0.5"), (_decimal("12.50"), "12.50"),
    (_decimal("-3"), '"-3"^^xsd:decimal'), (_decimal("2250"), '"2250"^^xsd:decimal'),
    (_decimal("1E+3"), '"1000"^^xsd:decimal'), (_decimal("1e-7"), "0.0000001"),
    (Lit(".5", None, XSD + "decimal"), ".5"), (Lit("+5", None, XSD + "integer"), "+5"),
    (Lit("007", None, XSD + "integer"), "007"),
    (Lit("1", None, XSD + "boolean"), '"1"^^xsd:boolean'), (Lit("True", None, XSD + "boolean"), '"True"^^xsd:boolean'),
    (Lit("1e3", None, XSD + "integer"), '"1e3"^^xsd:integer'), (Lit("1.", None, XSD + "decimal"), '"1."^^xsd:decimal'),
    (Lit("1.5", None, XSD + "double"), '"1.5"^^xsd:double'),
])
def test_turtle_numbers_and_booleans_round_trip(lit, written):
    text = turtle_text([(S, P, lit)])
    assert f"dj:text {written} .\n" in text
    assert _read_back(lit) == to_term(lit)


def test_turtle_ill_typed_decimal_round_trips():
    lit = _decimal("not a number")
    assert '"not a number"^^xsd:decimal' in turtle_text([(S, P, lit)])
    assert str(_read_back(lit)) == "not a number"


@pytest.mark.parametrize("local", ["a.b", "9lives", "a/b", "a:b", "a%20b", "名字", "", "a~", "_:x", "a.",
                                   "a#b"])
def test_turtle_iris_that_cannot_be_prefixed_names_stay_full(local):
    iri = DJ_IRI + local
    text = turtle_text([(S, P, iri), (iri, P, Lit("x")), (S, iri, Lit("y"))])
    body = text.split("\n\n", 1)[1]  # after the @prefix lines
    assert body.count(f"<{iri}>") == 3
    graph = _parse(text)
    assert (URIRef(S), URIRef(P), URIRef(iri)) in graph
    assert (URIRef(iri), URIRef(P), Literal("x")) in graph
    assert (URIRef(S), URIRef(iri), Literal("y")) in graph


def test_turtle_prefixes_safe_names_and_leaves_id_iris_full():
    place = f"{ID}place/370832000000"
    text = turtle_text([(place, "https://schema.org/unitText", Lit("名", "zh")), (place, P, f"{ID}plain_Name-2"),
                        (place, f"{DJ_IRI}a-", Lit("x", None, XSD + "string"))])
    assert f"<{place}> schema:unitText" in text
    assert "dj:text id:plain_Name-2" in text and "dj:a- " in text and '"x"^^xsd:string' in text
    assert len(_parse(text)) == 3


@pytest.mark.parametrize("bad", ["relative/iri", f"{ID}a b", f"{ID}<x>", f"{ID}a\"b", f"{ID}a\\b", f"{ID}a\nb", ""])
def test_turtle_refuses_an_iri_it_cannot_write(bad):
    with pytest.raises(ValueError):
        turtle_text([(S, P, bad)])


@pytest.mark.parametrize("lit", [Lit("x", "zh hans"), Lit("x", "-zh"), Lit("x", "zh", XSD + "string")])
def test_turtle_refuses_a_literal_it_cannot_write(lit):
    with pytest.raises(ValueError):
        turtle_text([(S, P, lit)])
