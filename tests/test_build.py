"""The whole build on the seed pages: committed outputs, quality against gold, bad pages."""
import importlib.util
import shutil

import pytest

from conftest import ROOT, SHARED_EVAL
from kg.cli import main

SEEDS = ROOT / "seeds"
COMMITTED_OUT = ROOT / "out"


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert main(["build", str(SEEDS), "-o", str(out)]) == 0
    return out


def _files(directory):
    """Output files, less the Oxigraph store `kg query --store oxigraph` may have made beside the graph."""
    return sorted(p.relative_to(directory) for p in directory.rglob("*")
                  if p.is_file() and not any(part.endswith(".oxigraph") for part in p.relative_to(directory).parts))


def test_build_reproduces_committed_out_byte_for_byte(seed_out):
    committed = _files(COMMITTED_OUT)
    assert committed == _files(seed_out)
    for rel in committed:
        assert (COMMITTED_OUT / rel).read_bytes() == (seed_out / rel).read_bytes(), f"out/{rel} differs from a fresh build"


def test_build_output_does_not_depend_on_input_order(seed_out, tmp_path):
    pages = sorted(SEEDS.glob("*.txt"), reverse=True)
    assert main(["build", *map(str, pages), "-o", str(tmp_path), "--no-html"]) == 0
    assert (tmp_path / "graph.ttl").read_bytes() == (seed_out / "graph.ttl").read_bytes()


def test_build_prints_counts(capsys, tmp_path):
    main(["build", str(SEEDS / "000_b7553062b986840f.txt"), "-o", str(tmp_path), "--no-html"])
    printed = capsys.readouterr().out
    assert "1 pages built, 0 skipped" in printed and "articles" in printed and "triples" in printed
    assert "county" in printed and "program" in printed


def test_build_bad_pages_are_reported_and_the_others_still_build(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SEEDS / "000_b7553062b986840f.txt", pages / "good.txt")
    (pages / "empty.txt").write_bytes(b"")
    (pages / "gbk.txt").write_bytes("本报梁山讯".encode("gbk") + b"\xff\xff")
    status = main(["build", str(pages), "-o", str(tmp_path / "out"), "--no-html"])
    captured = capsys.readouterr()
    assert status == 1
    assert "1 pages built, 2 skipped" in captured.out
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and any("empty.txt" in e for e in errors) and any("gbk.txt" in e for e in errors)
    assert "good.txt" in (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")


def _score(graph_file, gold=SHARED_EVAL / "gold"):
    spec = importlib.util.spec_from_file_location("score", SHARED_EVAL / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score.evaluate([graph_file], gold)


@pytest.mark.skipif(not (SHARED_EVAL / "score.py").exists(), reason="../shared/eval is not beside this checkout")
def test_build_seed_quality_meets_the_targets(seed_out):
    result = _score(seed_out / "graph.ttl")
    f1 = lambda tally: tally.prf()[2]  # noqa: E731
    assert f1(result["entities_all"]) >= 0.90
    assert f1(result["relations_all"]) >= 0.80
    assert f1(result["articles"]) >= 0.95
    assert f1(result["article_people"]) >= 0.98
    assert f1(result["headline_exact"]) >= 0.85


UNSEEN = ROOT / "tests" / "data" / "unseen"


@pytest.mark.skipif(not (SHARED_EVAL / "score.py").exists(), reason="../shared/eval is not beside this checkout")
def test_build_unseen_pages_quality(tmp_path):
    # Pages of other places and web copies, annotated by hand (tests/data/unseen/README.md).
    assert main(["build", str(UNSEEN), "-o", str(tmp_path), "--no-html", "--jobs", "1", "--no-progress"]) == 0
    result = _score(tmp_path / "graph.ttl", UNSEEN / "gold")
    f1 = lambda tally: tally.prf()[2]  # noqa: E731
    assert f1(result["entities_all"]) >= 0.92
    assert f1(result["relations_all"]) >= 0.85
    assert f1(result["articles"]) >= 0.95
    assert f1(result["article_people"]) >= 0.95
    assert f1(result["headline_exact"]) >= 0.85
