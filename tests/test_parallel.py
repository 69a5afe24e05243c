"""Parallel, streaming and Dask builds give the graph of the ordinary one-process build."""
import io
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from kg.cli import main
from kg.errors import PageError
from kg.export.formats import sorted_ntriples
from kg.model import Link, Mention, Page
from kg.parallel import Progress, build, ordered_map, partitions
from kg.rdf import to_graph
from kg.read import read_page
from kg.relate import relate
from kg.stream import EntityTable, PageOutput, page_output, read_blocks, write_block

SEEDS = ROOT / "seeds"
# Two whole seed pages are enough to cross pages (shared entities, resolution) and stay fast.
TWO_PAGES = sorted(SEEDS.glob("*.txt"))[:2]


def _ntriples_lines(path):
    return sorted(path.read_text(encoding="utf-8").splitlines(keepends=True))


@pytest.fixture(scope="module")
def reference_nt():
    """The graph as the ordinary build makes it: one process, rdflib, N-Triples sorted."""
    return sorted_ntriples(to_graph(build([read_page(p) for p in TWO_PAGES], jobs=1).linked))


def test_parallel_jobs_two_builds_the_same_graph_as_jobs_one(reference_nt):
    two = build([read_page(p) for p in reversed(TWO_PAGES)], jobs=2)
    assert sorted_ntriples(to_graph(two.linked)) == reference_nt
    assert [r.page.source for r in two.linked.results] == sorted(p.name for p in TWO_PAGES)


def test_parallel_ordered_map_keeps_input_order_across_processes():
    items = list(range(40, 0, -1))
    assert list(ordered_map(str, items, jobs=2)) == [str(i) for i in items]


def test_parallel_bad_page_is_skipped_and_reported():
    bad = PageError("missing.txt", "no such file or directory")
    result = build([bad, Page("odd.txt", "本报梁山讯 只有一句话。")], jobs=1)
    assert result.skipped == (bad,)
    assert [r.page.source for r in result.linked.results] == ["odd.txt"]


def test_parallel_progress_bar_only_on_a_terminal():
    quiet = io.StringIO()
    bar = Progress(100, stream=quiet)
    bar.step(50)
    bar.close()
    assert not bar.enabled and quiet.getvalue() == ""
    shown = io.StringIO()
    bar = Progress(4, stream=shown, enabled=True)
    for _ in range(4):
        bar.step()
    assert "4/4 pages" in shown.getvalue()


def test_parallel_partitions_are_consecutive_and_even():
    parts = partitions(list(range(10)), 3)
    assert parts == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert partitions([1], 4) == [[1]]


def _other_page(tiny_result, source, town_code):
    """A second page naming the same town, with or without its division code."""
    page = replace(tiny_result.page, source=source)
    mentions = tuple(replace(m, source=source, code=town_code if m.type == "town" else m.code)
                     for m in tiny_result.mentions)
    articles = tuple(replace(a, source=source) for a in tiny_result.articles)
    return replace(tiny_result, page=page, articles=articles, mentions=mentions)


def _streamed(results):
    table = EntityTable()
    outputs = []
    for result in results:
        outputs.append(page_output(result))
        table.add(outputs[-1].summary)
    rewrites = table.rewrites()
    lines = b"".join(rewrites.apply(output.block) for output in outputs).decode("utf-8").splitlines(keepends=True)
    return sorted(lines + table.entity_lines())


_LINE = st.builds("<{}> <p> {} .\n".format, st.integers(0, 50), st.text("ab\\\" 中", max_size=8))


@settings(max_examples=60, deadline=None)
@given(blocks=st.lists(st.lists(_LINE, min_size=1, max_size=5).map("".join), max_size=6),
       chunk_size=st.integers(1, 64))
def test_stream_spill_blocks_read_back_whatever_the_chunk_size(tmp_path_factory, blocks, chunk_size):
    spill = tmp_path_factory.mktemp("spill") / "pages"
    blocks = [block.encode("utf-8") for block in blocks]
    with open(spill, "wb") as handle:
        for block in blocks + [b""]:  # a page without lines writes no block
            write_block(handle, PageOutput("p.txt", 1, block, None))
    assert list(read_blocks(spill, chunk_size)) == blocks


def test_stream_resolves_a_code_less_name_by_a_code_on_another_page(tiny_result):
    uncoded = _other_page(tiny_result, "a.txt", None)
    coded = _other_page(tiny_result, "b.txt", "370832107000")
    results = [uncoded, coded]
    expected = sorted_ntriples(to_graph(relate(results))).splitlines(keepends=True)
    assert _streamed(results) == expected
    assert not any("/id/town/" in line for line in expected)  # the code-less town became the coded one


def test_stream_keeps_two_coded_readings_apart(tiny_result):
    results = [_other_page(tiny_result, "a.txt", None), _other_page(tiny_result, "b.txt", "370832107000"),
               _other_page(tiny_result, "c.txt", "370832107999")]
    expected = sorted_ntriples(to_graph(relate(results))).splitlines(keepends=True)
    assert _streamed(results) == expected
    assert any("/id/town/" in line for line in expected)  # ambiguous: stays a name


def test_stream_counts_organization_kinds_across_pages(tiny_result):
    def org(source, kind, at):
        return Mention(source, 0, "organization", "梁山县委", "梁山县委", at, at + 4, "句。", kind=kind,
                       links=(Link("locatedIn", "county", "梁山县"),))
    pages = []
    for source, kinds in (("a.txt", ("party", "party")), ("b.txt", ("government",) * 3)):
        base = _other_page(tiny_result, source, None)
        pages.append(replace(base, mentions=base.mentions + tuple(org(source, k, 20 + i) for i, k in enumerate(kinds))))
    assert _streamed(pages) == sorted_ntriples(to_graph(relate(pages))).splitlines(keepends=True)


def test_stream_cli_writes_the_graph_of_the_ordinary_build(reference_nt, tmp_path):
    status = main(["build", *map(str, TWO_PAGES), "-o", str(tmp_path), "--format", "nt", "--stream", "--jobs", "2"])
    assert status == 0
    assert "".join(_ntriples_lines(tmp_path / "graph.nt")) == reference_nt
    assert not (tmp_path / "graph.ttl").exists()


def test_stream_cli_removes_the_turtle_of_an_earlier_ordinary_build(tmp_path):
    assert main(["build", str(TWO_PAGES[0]), "-o", str(tmp_path), "--no-html", "--jobs", "1"]) == 0
    assert (tmp_path / "graph.ttl").exists()
    assert main(["build", str(TWO_PAGES[0]), "-o", str(tmp_path), "--format", "nt", "--stream", "--jobs", "1"]) == 0
    assert not (tmp_path / "graph.ttl").exists() and (tmp_path / "graph.nt").exists()


def test_stream_cli_writes_the_same_bytes_whatever_the_hash_seed(tmp_path):
    # The streaming writer keeps the lines in the order the triples come, unsorted: that order
    # must not depend on how strings hash (set and dict iteration).
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-m", "kg", "build", *map(str, TWO_PAGES), "-o", str(out), "--format", "nt",
                        "--stream", "--jobs", "1", "--no-progress"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, cwd=ROOT)
        outputs.add((out / "graph.nt").read_bytes())
    assert len(outputs) == 1


def test_stream_cli_refuses_formats_it_cannot_stream(tmp_path, capsys):
    assert main(["build", str(TWO_PAGES[0]), "-o", str(tmp_path), "--stream"]) == 2
    assert "--format nt" in capsys.readouterr().err


def test_dask_two_workers_build_the_graph_of_the_ordinary_build(reference_nt, tmp_path):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    from kg.parallel import dask_build

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        stats = dask_build(TWO_PAGES, [], tmp_path / "graph.nt", scheduler=cluster.scheduler_address,
                           pages_per_task=1)
    assert stats.pages == 2 and not stats.skipped
    assert "".join(_ntriples_lines(tmp_path / "graph.nt")) == reference_nt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]  # partitions merged and removed
