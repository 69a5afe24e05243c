"""Throughput, scaling and memory of `kg build` on archives made of the seed pages (prints figures; not a test).

    .venv/bin/python benchmarks/bench_build.py --sizes 1,10,100 --runs 3

For each size an archive is written by copying the seed pages under distinct names until it
holds that many MB of text. Each size is measured in its own process (so peak memory does not
carry over from a smaller size), which reports:

- stages: read, segment, normalise, places, organizations, programs, documents, people,
  quantities, relate, rdf, serialise -- the stage functions called one by one as
  `kg.pipeline.extract_article` and the streaming writer (`kg.stream`) call them;
- the whole build: `kg build DIR --format nt --stream` as a subprocess, with --jobs 1 and with
  every core, wall time and peak memory of the whole process tree (sampled with psutil); for the
  sizes up to --ttl-max-mb also the ordinary build (Turtle through rdflib's in-memory graph);
- two reference passes over the same text: `jieba.lcut` and `jieba.posseg.cut`, the build's
  throughput as a ratio to each (on archives larger than --jieba-max-mb, jieba runs over that
  many MB of the same text and its rate is used: it is linear in the text).

Cold start: `kg build` of one page (Turtle, no HTML) minus `python -c pass`, medians.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
STAGES = ("read", "segment", "normalise", "places", "organizations", "programs", "documents", "people",
          "quantities", "relate", "rdf", "serialise")
MB = 1_000_000


# ---------------------------------------------------------------- archive
def make_archive(directory: Path, megabytes: float) -> tuple[int, int]:
    """Copies of the seed pages under distinct names until `megabytes` of text; (pages, bytes)."""
    seeds = sorted(SEEDS.glob("*.txt"))
    directory.mkdir(parents=True, exist_ok=True)
    total, n = 0, 0
    while total < megabytes * MB:
        seed = seeds[n % len(seeds)]
        data = seed.read_bytes()
        (directory / f"copy{n // len(seeds):06d}_{seed.name}").write_bytes(data)
        total += len(data)
        n += 1
    return n, total


# ---------------------------------------------------------------- stage timing (in the size's process)
def time_stages(directory: Path, nt_target: Path) -> dict[str, float]:
    """Seconds spent in each stage over the archive, the stages called as the pipeline calls them."""
    from kg.gazetteer import load_gazetteer
    from kg.extract.documents import find_documents
    from kg.extract.organizations import find_organizations
    from kg.extract.people import find_people
    from kg.extract.places import find_places, story_locality
    from kg.extract.programs import find_programs
    from kg.extract.quantities import find_quantities
    from kg.model import PageResult
    from kg.normalize import normalize
    from kg.pipeline import mention_order, sentence_breaks, subject_keys
    from kg.rdf import entity_triples, nt_lines, page_triples
    from kg.read import expand_inputs, read_page
    from kg.segment import segment
    from kg.stream import EntityTable, _AsNamed, _Entities, read_blocks, summarize

    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter
    gazetteer = load_gazetteer()  # loaded once per process: cold start measures it
    files, _ = expand_inputs([directory])
    table = EntityTable()
    spill = nt_target.with_name(nt_target.name + ".spill")  # pages naming a place without its code
    with open(nt_target, "wb") as sink, open(spill, "wb") as spilled:
        for path in files:
            t0 = clock()
            page = read_page(path)
            t1 = clock()
            articles = segment(page)
            t2 = clock()
            spent["read"] += t1 - t0
            spent["segment"] += t2 - t1
            mentions, quantities, subjects = [], [], []
            for article in articles:
                t = clock()
                text = normalize(page.text[article.start:article.end], base=article.start)
                if not text.text:
                    spent["normalise"] += clock() - t
                    subjects.append((article.index, ()))
                    continue
                text = text.with_breaks(sentence_breaks(page, article, text))
                t, spent["normalise"] = clock(), spent["normalise"] + clock() - t
                places = find_places(article, text, gazetteer)
                locality = story_locality(article, places, gazetteer)
                t, spent["places"] = clock(), spent["places"] + clock() - t
                organizations = find_organizations(article, text, locality, places)
                t, spent["organizations"] = clock(), spent["organizations"] + clock() - t
                programs = find_programs(article, text, locality, organizations)
                t, spent["programs"] = clock(), spent["programs"] + clock() - t
                documents = find_documents(article, text, locality, organizations)
                t, spent["documents"] = clock(), spent["documents"] + clock() - t
                people = find_people(article, text, organizations)
                t, spent["people"] = clock(), spent["people"] + clock() - t
                found = places + organizations + programs + documents + people
                quantities.extend(find_quantities(article, text, locality, found))
                spent["quantities"] += clock() - t
                mentions.extend(found)
                subjects.append((article.index, subject_keys(locality, places)))
            t = clock()
            ordered = sorted(set(mentions), key=mention_order)
            result = PageResult(page, articles, tuple(ordered), tuple(subjects), tuple(quantities))
            summary = summarize(result)
            table.add(summary)
            t, spent["relate"] = clock(), spent["relate"] + clock() - t
            triples = page_triples(result, _AsNamed())
            t, spent["rdf"] = clock(), spent["rdf"] + clock() - t
            block = "".join(dict.fromkeys(nt_lines(triples))).encode("utf-8")
            if summary.uncoded:
                spilled.write(block + b"\n")
            else:
                sink.write(block)
            spent["serialise"] += clock() - t
        t = clock()
        rewrites = table.rewrites()
        entities = _Entities(table.entities(), table.relations())
        t, spent["relate"] = clock(), spent["relate"] + clock() - t
        triples = list(entity_triples(entities))
        t, spent["rdf"] = clock(), spent["rdf"] + clock() - t
        sink.write("".join(sorted(set(nt_lines(triples)))).encode("utf-8"))
        spent["serialise"] += clock() - t
    t = clock()
    for block in read_blocks(spill):  # the final pass of the streaming writer
        rewrites.apply(block)
    spill.unlink()
    spent["relate"] += clock() - t
    return spent


def time_jieba(directory: Path, max_bytes: int) -> dict[str, float]:
    """Seconds per MB of `jieba.lcut` and `jieba.posseg.cut` over the archive's text (up to max_bytes)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.ERROR)
    jieba.initialize()
    pieces, size = [], 0
    for path in sorted(directory.glob("*.txt")):
        if size >= max_bytes:
            break
        data = path.read_bytes()
        pieces.append(data.decode("utf-8-sig"))
        size += len(data)
    text = "".join(pieces)
    t = time.perf_counter()
    jieba.lcut(text)
    lcut = time.perf_counter() - t
    t = time.perf_counter()
    for _ in jieba.posseg.cut(text):
        pass
    posseg = time.perf_counter() - t
    return {"jieba_bytes": size, "lcut_s_per_mb": lcut / (size / MB), "posseg_s_per_mb": posseg / (size / MB)}


def run_tree(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB of the process and its children summed) of a command."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr.read().decode()}")
    return wall, peak / MB


def measure_size(megabytes: float, runs: int, jobs: int, jieba_max_mb: float, ttl_max_mb: float) -> dict:
    import resource

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        archive = Path(tmp) / "archive"
        pages, size = make_archive(archive, megabytes)
        stage_runs = [time_stages(archive, Path(tmp) / "stages.nt") for _ in range(runs)]
        stages = {s: statistics.median(r[s] for r in stage_runs) for s in STAGES}
        stage_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        jieba = time_jieba(archive, int(jieba_max_mb * MB))
        builds = {}
        variants = {"stream_jobs1": ["--format", "nt", "--stream", "--jobs", "1"],
                    f"stream_jobs{jobs}": ["--format", "nt", "--stream", "--jobs", str(jobs)]}
        if megabytes <= ttl_max_mb:
            variants["ttl_jobs1"] = ["--no-html", "--jobs", "1"]
        for name, flags in variants.items():
            out = Path(tmp) / name
            measured = [run_tree([python, "-m", "kg", "build", str(archive), "-o", str(out), "--no-progress", *flags])
                        for _ in range(runs)]
            builds[name] = {"wall_s": statistics.median(w for w, _ in measured),
                            "peak_mb": max(m for _, m in measured)}
            shutil.rmtree(out, ignore_errors=True)
    return {"mb": size / MB, "pages": pages, "stages_s": stages, "stage_pass_peak_mb": stage_rss,
            "jieba": jieba, "builds": builds}


def cold_start(runs: int) -> dict:
    page = sorted(SEEDS.glob("*.txt"))[0]
    python = sys.executable

    # As an installed package runs: byte code cached (here under a private prefix, not in the tree).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def wall(command):
        t = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
        return time.perf_counter() - t

    with tempfile.TemporaryDirectory(prefix="kg-cold-") as out, tempfile.TemporaryDirectory() as pycache:
        env["PYTHONPYCACHEPREFIX"] = pycache
        wall([python, "-m", "kg", "build", str(page), "-o", out, "--no-html"])  # writes the byte code
        bare = statistics.median(wall([python, "-c", "pass"]) for _ in range(runs))
        build = statistics.median(wall([python, "-m", "kg", "build", str(page), "-o", out, "--no-html"])
                                  for _ in range(runs))
    return {"python_s": bare, "build_one_page_s": build, "added_s": build - bare}


# ---------------------------------------------------------------- report
def report(sizes: list[dict], cold: dict | None, jobs: int) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown") if Path("/proc/cpuinfo").exists() else "unknown"
    lines = [f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {cpu}, Python {sys.version.split()[0]}",
             ""]
    head = "| stage | " + " | ".join(f"{s['mb']:.0f} MB s | MB/s" for s in sizes) + " |"
    lines += [head, "|" + "---|" * (1 + 2 * len(sizes))]
    for stage in STAGES:
        cells = []
        for s in sizes:
            sec = s["stages_s"][stage]
            cells += [f"{sec:.2f}", f"{s['mb'] / sec:.1f}" if sec else "-"]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    cells = []
    for s in sizes:
        total = sum(s["stages_s"].values())
        cells += [f"{total:.2f}", f"{s['mb'] / total:.2f}"]
    lines.append("| **all stages** | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| build | size MB | pages | wall s | MB/s | pages/s | peak MB | × jieba.lcut | × jieba.posseg |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for s in sizes:
        lcut = s["mb"] * s["jieba"]["lcut_s_per_mb"]
        posseg = s["mb"] * s["jieba"]["posseg_s_per_mb"]
        for name, b in s["builds"].items():
            w = b["wall_s"]
            lines.append(f"| {name} | {s['mb']:.1f} | {s['pages']} | {w:.2f} | {s['mb'] / w:.2f} | {s['pages'] / w:.1f} "
                         f"| {b['peak_mb']:.0f} | {lcut / w:.2f} | {posseg / w:.2f} |")
        lines.append(f"| jieba.lcut / posseg (on {s['jieba']['jieba_bytes'] / MB:.1f} MB) | {s['mb']:.1f} | | "
                     f"{lcut:.2f} / {posseg:.2f} | {1 / s['jieba']['lcut_s_per_mb']:.2f} / "
                     f"{1 / s['jieba']['posseg_s_per_mb']:.2f} | | | | |")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for name in small["builds"]:
            if name in large["builds"]:
                ratio = large["builds"][name]["wall_s"] / small["builds"][name]["wall_s"]
                lines.append(f"\nscaling {name}: {large['mb']:.0f} MB takes {ratio:.1f}× the time of "
                             f"{small['mb']:.0f} MB (size ratio {large['mb'] / small['mb']:.1f}×)")
    if cold:
        lines.append(f"\ncold start: one page {cold['build_one_page_s']:.2f} s, python -c pass {cold['python_s']:.3f} s, "
                     f"added {cold['added_s']:.2f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10", help="archive sizes in MB, comma-separated (default: 1,10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure; medians reported (default: 3)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="jobs of the parallel build")
    parser.add_argument("--jieba-max-mb", type=float, default=10.0, help="jieba's passes over at most this much text")
    parser.add_argument("--ttl-max-mb", type=float, default=1.0, help="the ordinary Turtle build up to this size")
    parser.add_argument("--cold-runs", type=int, default=7, help="runs of the cold start (0: skip)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--one-size", type=float, help=argparse.SUPPRESS)  # the per-size child process
    args = parser.parse_args()
    if args.one_size is not None:
        print(json.dumps(measure_size(args.one_size, args.runs, args.jobs, args.jieba_max_mb, args.ttl_max_mb)))
        return
    sizes = []
    for mb in (float(s) for s in args.sizes.split(",") if s.strip()):
        t = time.perf_counter()
        child = subprocess.run([sys.executable, __file__, "--one-size", str(mb), "--runs", str(args.runs),
                                "--jobs", str(args.jobs), "--jieba-max-mb", str(args.jieba_max_mb),
                                "--ttl-max-mb", str(args.ttl_max_mb)],
                               check=True, capture_output=True, text=True, cwd=ROOT)
        sizes.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(f"measured {mb:g} MB in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    cold = cold_start(args.cold_runs) if args.cold_runs else None
    print(report(sizes, cold, args.jobs))
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "cold": cold}, indent=1))


if __name__ == "__main__":
    main()
