"""The command line is a thin skin: every command runs on the committed seed build and has help."""
import json

import pytest

from conftest import ROOT
from kg.cli import main, make_parser

GRAPH = str(ROOT / "out" / "graph.ttl")


def test_cli_every_command_has_help(capsys):
    commands = make_parser()._subparsers._group_actions[0].choices
    assert {"build", "validate", "query", "view", "stats"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        assert capsys.readouterr().out.startswith("usage: kg " + name)


def test_cli_query_prints_csv(capsys):
    assert main(["query", "ASK { ?t a dj:Town ; rdfs:label \"唐口街道\"@zh }", "--graph", GRAPH]) == 0
    assert capsys.readouterr().out.strip() == "true"


def test_cli_query_syntax_error_is_one_line_not_a_traceback(capsys):
    assert main(["query", "SELECT ?x WHERE {", "--graph", GRAPH]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: SPARQL syntax error") and "Traceback" not in err


def test_cli_missing_graph_is_a_clear_error(capsys, tmp_path):
    assert main(["stats", str(tmp_path / "none.ttl")]) == 2
    assert "no such graph file" in capsys.readouterr().err


def test_cli_stats_json(capsys):
    assert main(["stats", GRAPH, "--format", "json", "--top", "3"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats  # parsed: the analyses are pinned in tests/test_stats.py


def test_cli_view_writes_a_focused_page(tmp_path, capsys):
    out = tmp_path / "liangshan.html"
    assert main(["view", GRAPH, "--focus", "梁山县", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "梁山县" in page and 'src="http' not in page and 'href="http' not in page


def test_cli_validate_the_seed_build_conforms(capsys):
    assert main(["validate", GRAPH]) == 0
    assert "0 violation(s)" in capsys.readouterr().out
