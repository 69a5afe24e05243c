"""Official division codes in the seed build, checked against the shipped gazetteer (not a hand list)."""
import json

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from conftest import ROOT, SHARED_EVAL
from kg.gazetteer import load_gazetteer
from kg.vocab import DJ

JINING = "370800000000"


@pytest.fixture(scope="module")
def seed_graph():
    return Graph().parse(ROOT / "out" / "graph.ttl", format="turtle")


def _coded(graph, cls):
    return {str(graph.value(n, RDFS.label)): (n, str(graph.value(n, DJ.divisionCode)))
            for n in graph.subjects(RDF.type, cls) if graph.value(n, DJ.divisionCode) is not None}


def test_codes_every_coded_place_matches_the_gazetteer_row_and_its_parent(seed_graph):
    gazetteer = load_gazetteer()
    for cls in (DJ.Province, DJ.City, DJ.County, DJ.Town):
        for label, (node, code) in _coded(seed_graph, cls).items():
            division = gazetteer.by_code(code)
            assert division is not None and division.name == label, (label, code)
            parent = gazetteer.parent(division)
            if parent is not None and parent.code:
                parents = {str(seed_graph.value(p, DJ.divisionCode)) for p in seed_graph.objects(node, DJ.locatedIn)}
                assert parent.code in parents, (label, parents)


def test_codes_of_jining_county_level_units_come_from_the_gazetteer(seed_graph):
    gazetteer = load_gazetteer()
    official = {d.name: d.code for d in gazetteer.children(JINING) if d.type == "county" and d.code}
    built = _coded(seed_graph, DJ.County)
    assert len(official) >= 11
    seen = {name: code for name, (_, code) in built.items() if name in official}
    assert len(seen) >= 10  # the seed pages name ten of 济宁's county-level units
    assert all(official[name] == code for name, code in seen.items())


@pytest.mark.skipif(not (SHARED_EVAL / "gold").exists(), reason="../shared/eval is not beside this checkout")
def test_codes_every_gold_town_the_gazetteer_holds_has_its_code(seed_graph):
    gazetteer = load_gazetteer()
    built = _coded(seed_graph, DJ.Town)
    checked = 0
    for gold_file in sorted((SHARED_EVAL / "gold").glob("*.json")):
        for article in json.loads(gold_file.read_text(encoding="utf-8"))["articles"]:
            for town in article["entities"].get("town") or []:
                counties = [d for d in gazetteer.named(town["county"] or "", "county")]
                matches = [d for d in gazetteer.named(town["name"], "town")
                           if any(gazetteer.parent(d) == c for c in counties)]
                if len(matches) == 1:
                    checked += 1
                    assert built[town["name"]][1] == matches[0].code, town
    assert checked >= 15
