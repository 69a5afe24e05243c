"""Incremental builds (`--update`, `--remove`) give the graph a full build of the same pages gives, byte for byte;
and a build does not depend on the order its inputs are listed in, nor on Python's hash seed."""
import contextlib
import io
import os
import subprocess
import sys

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from conftest import ROOT
from kg.cli import main
from kg.model import Page
from kg.update import kept_pages, keep_pages, page_set

PAGE_A = "梁山县推进基层党建\n本报梁山讯（通讯员 王某）近日，梁山县馆驿镇开展“四联四助”行动，走访群众120户。\n"
PAGE_B = "嘉祥县推进乡村振兴\n本报嘉祥讯（通讯员 李某）近日，嘉祥县委组织部到梁山县馆驿镇学习“四联四助”行动经验。\n"
PAGE_B2 = "嘉祥县推进乡村振兴\n本报嘉祥讯（通讯员 李某）近日，嘉祥县委组织部组织党员开展志愿服务。\n"
PAGE_C = "金乡县党建引领\n本报金乡讯（记者 赵某）金乡县开展“红色物业”行动。\n"
OUTPUTS = ("graph.ttl", "graph.nt", "graph.html")


def _run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["build", *map(str, argv)])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def pages(tmp_path):
    directory = tmp_path / "pages"
    directory.mkdir()
    for name, text in (("a.txt", PAGE_A), ("b.txt", PAGE_B), ("c.txt", PAGE_C)):
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def _outputs(out):
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def _build(out, *paths, extra=()):
    status, _, err = _run(*paths, "-o", out, "--format", "ttl,nt", *extra)
    assert status == 0, err
    return _outputs(out)


def test_update_adding_pages_equals_building_them_all_at_once(pages, tmp_path):
    whole = _build(tmp_path / "whole", pages / "a.txt", pages / "b.txt")
    _build(tmp_path / "inc", pages / "a.txt")
    status, stdout, _ = _run(pages / "b.txt", "--update", tmp_path / "inc", "--format", "ttl,nt")
    assert status == 0 and "1 pages added, 0 replaced, 0 removed, 1 unchanged" in stdout
    assert _outputs(tmp_path / "inc") == whole


def test_update_reuses_entities_by_identifier(pages, tmp_path):
    _build(tmp_path / "inc", pages / "a.txt")
    _run(pages / "b.txt", "--update", tmp_path / "inc")
    graph = Graph().parse(tmp_path / "inc" / "graph.ttl")
    assert len(set(graph.subjects(RDFS.label, Literal("梁山县", lang="zh")))) == 1
    assert len(set(graph.subjects(RDFS.label, Literal("馆驿镇", lang="zh")))) == 1


def test_update_building_a_page_twice_replaces_its_triples(pages, tmp_path):
    whole = _build(tmp_path / "whole", pages / "a.txt", pages / "b.txt")
    _build(tmp_path / "inc", pages / "a.txt", pages / "b.txt")
    status, stdout, _ = _run(pages / "b.txt", "--update", tmp_path / "inc", "--format", "ttl,nt")
    assert status == 0 and "0 pages added, 0 replaced, 0 removed, 2 unchanged" in stdout
    assert _outputs(tmp_path / "inc") == whole


def test_update_a_changed_page_replaces_the_old_version(pages, tmp_path):
    _build(tmp_path / "inc", pages / "a.txt", pages / "b.txt")
    (pages / "b.txt").write_text(PAGE_B2, encoding="utf-8")
    whole = _build(tmp_path / "whole", pages / "a.txt", pages / "b.txt")
    status, stdout, _ = _run(pages / "b.txt", "--update", tmp_path / "inc", "--format", "ttl,nt")
    assert status == 0 and "0 pages added, 1 replaced" in stdout
    assert _outputs(tmp_path / "inc") == whole
    assert "学习" not in (tmp_path / "inc" / "graph.ttl").read_text(encoding="utf-8")


def test_update_remove_gives_back_the_graph_without_the_page(pages, tmp_path):
    alone = _build(tmp_path / "alone", pages / "a.txt")
    _build(tmp_path / "inc", pages / "a.txt", pages / "b.txt")
    status, stdout, _ = _run("--update", tmp_path / "inc", "--remove", "b.txt", "--format", "ttl,nt")
    assert status == 0 and "0 pages added, 0 replaced, 1 removed" in stdout
    assert _outputs(tmp_path / "inc") == alone
    assert [p.source for p in kept_pages(tmp_path / "inc")] == ["a.txt"]


def test_update_add_and_remove_in_one_run(pages, tmp_path):
    whole = _build(tmp_path / "whole", pages / "a.txt", pages / "c.txt")
    _build(tmp_path / "inc", pages / "a.txt", pages / "b.txt")
    status, _, _ = _run(pages / "c.txt", "--update", tmp_path / "inc", "--remove", pages / "b.txt", "--format", "ttl,nt")
    assert status == 0 and _outputs(tmp_path / "inc") == whole


def test_update_a_bad_new_version_keeps_the_old_one(pages, tmp_path):
    before = _build(tmp_path / "inc", pages / "a.txt", pages / "b.txt")
    (pages / "b.txt").write_bytes(b"")
    status, _, stderr = _run(pages / "b.txt", "--update", tmp_path / "inc", "--format", "ttl,nt")
    assert status == 1 and "error: b.txt: empty page" in stderr
    assert _outputs(tmp_path / "inc") == before


def test_update_mistakes_are_reported(pages, tmp_path):
    status, _, stderr = _run(pages / "a.txt", "--update", tmp_path / "never_built")
    assert status == 2 and "holds no kept pages" in stderr
    status, _, stderr = _run(pages / "a.txt", "-o", tmp_path / "out", "--remove", "b.txt")
    assert status == 2 and "--remove needs --update" in stderr
    _build(tmp_path / "inc", pages / "a.txt")
    status, _, stderr = _run("--update", tmp_path / "inc", "--remove", "zzz.txt")
    assert status == 0 and "warning: zzz.txt: --remove: no such page" in stderr
    status, _, stderr = _run("-o", tmp_path / "out")
    assert status == 2 and "no pages given" in stderr


def test_update_kept_pages_read_back_exactly(tmp_path):
    pages = [Page("crlf.txt", "甲\r\n乙\r"), Page("bom.txt", "\ufeff\ufeff丙"), Page("astral.txt", "𠀀e\u0301\u2028")]
    keep_pages(tmp_path, pages)
    assert kept_pages(tmp_path) == tuple(sorted(pages, key=lambda p: p.source))
    keep_pages(tmp_path, pages[:1])
    assert kept_pages(tmp_path) == (pages[0],)


def test_update_page_set_replaces_by_name_and_reports_the_changes():
    kept = [Page("a.txt", "甲"), Page("b.txt", "乙")]
    result = page_set([Page("b.txt", "乙2"), Page("c.txt", "丙")], kept, ["a.txt", "x.txt"])
    assert [(p.source, p.text) for p in result.pages] == [("b.txt", "乙2"), ("c.txt", "丙")]
    assert (result.added, result.replaced, result.removed, result.unchanged) == (("c.txt",), ("b.txt",), ("a.txt",), ())
    assert [w.source for w in result.warnings] == ["x.txt"]


def test_update_output_does_not_depend_on_the_order_of_inputs(pages, tmp_path):
    forward = _build(tmp_path / "f", pages / "a.txt", pages / "b.txt", pages / "c.txt")
    backward = _build(tmp_path / "b", pages / "c.txt", pages / "b.txt", pages / "a.txt")
    mixed = _build(tmp_path / "m", pages / "b.txt", pages, pages / "a.txt")
    assert forward == backward == mixed


def test_update_output_does_not_depend_on_the_hash_seed(pages, tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "build", str(pages), "-o", str(out), "--format", "ttl,nt"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        outputs.append(_outputs(out))
    assert outputs[0] == outputs[1]


def test_update_a_build_where_every_page_fails_keeps_the_previous_output(tmp_path, monkeypatch, capsys):
    from kg import pipeline
    from kg.cli import main

    page = tmp_path / "p.txt"
    page.write_text("本报梁山讯（通讯员 甲乙）梁山县馆驿镇开展活动。", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(page), "-o", str(out), "--no-html", "--jobs", "1"]) == 0
    before = (out / "graph.ttl").read_bytes()

    def broken(_page):
        raise RuntimeError("finder bug")

    monkeypatch.setattr(pipeline, "build_page", broken)
    assert main(["build", str(page), "-o", str(out), "--no-html", "--jobs", "1"]) == 1
    assert "could not be built" in capsys.readouterr().err
    assert (out / "graph.ttl").read_bytes() == before
