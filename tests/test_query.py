import json

import pytest

from kg.query import QueryError, format_csv, format_json, format_table, read_query, run_query
from kg.rdf import to_graph
from kg.relate import relate


@pytest.fixture
def tiny_graph(tiny_result):
    return to_graph(relate([tiny_result]))


PROGRAMS_BY_COUNTY = """
SELECT ?county ?program WHERE {
  ?p a dj:Program ; rdfs:label ?program ; dj:launchedIn ?c .
  ?c rdfs:label ?county .
}"""


def test_query_prefixes_are_predefined(tiny_graph):
    answer = run_query(tiny_graph, PROGRAMS_BY_COUNTY)
    assert answer.rows == (("梁山县", "四联四助行动"),)


def test_query_table_aligns_chinese_by_display_width(tiny_graph):
    lines = format_table(run_query(tiny_graph, PROGRAMS_BY_COUNTY)).splitlines()
    assert lines[0].split() == ["county", "program"]
    # "梁山县" is 6 columns wide: the second column starts at the same display column in every row.
    assert lines[0].index("program") == 8 and lines[2].index("四") == 5
    assert lines[-1] == "(1 rows)"


def test_query_csv_and_json_outputs(tiny_graph):
    answer = run_query(tiny_graph, PROGRAMS_BY_COUNTY)
    assert format_csv(answer) == "county,program\n梁山县,四联四助行动\n"
    assert json.loads(format_json(answer)) == [{"county": "梁山县", "program": "四联四助行动"}]


def test_query_ask(tiny_graph):
    assert format_table(run_query(tiny_graph, "ASK { ?x a dj:Town }")) == "true"


def test_query_syntax_error_names_line_and_column(tiny_graph):
    with pytest.raises(QueryError, match=r"line 2, column \d+"):
        run_query(tiny_graph, "SELECT ?x WHERE {\n  ?x ?? }")


def test_query_reads_rq_files(tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("# what\nASK {}", encoding="utf-8")
    assert read_query(str(rq)) == "# what\nASK {}"
    assert read_query("ASK {}") == "ASK {}"
