"""Pages built in parallel: worker processes on this machine (`--jobs`), or a Dask cluster (`--engine dask`).

Pages are independent until `kg.relate` joins them, so a page is the unit of work. Results
always come back in the order of the pages given (sorted by source), so the output of any
number of workers is the output of one.

- `build(pages, jobs)`: `kg.pipeline.build` with the pages spread over processes.
- `stream_build(pages, target, jobs)`: N-Triples written page by page (`kg.stream`), memory flat.
- `dask_build(files, target, scheduler)`: each Dask task builds a partition of pages and writes its
  page-level N-Triples next to the output; the driver merges the partitions' summaries into the
  entity table and the partitions into one graph, as `stream_build` does.
"""
from __future__ import annotations

import os
import sys
import time
from collections import deque
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from kg.errors import KgError, PageError
from kg.model import Page

T = TypeVar("T")
R = TypeVar("R")

# Pages submitted ahead of the one being written, per worker: enough to keep workers busy,
# few enough that an archive is never held in memory.
WINDOW_PER_JOB = 4
# Fewer pages than this and a progress bar is only noise.
PROGRESS_MIN_PAGES = 8


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Progress:
    """A one-line progress bar on stderr, drawn only for a terminal (never into a log or a pipe)."""

    def __init__(self, total: int, label: str = "pages", stream=None, enabled: bool | None = None):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = total >= PROGRESS_MIN_PAGES and getattr(self.stream, "isatty", lambda: False)()
        self.enabled = enabled
        self._start = time.monotonic()
        self._drawn = 0.0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._drawn > 0.1 or self.done >= self.total):
            self._drawn = now
            self.stream.write("\r" + self.line(now - self._start))
            self.stream.flush()

    def line(self, elapsed: float) -> str:
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        return f"[{bar:<30}] {self.done}/{self.total} {self.label} {rate:.1f}/s"

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _warm_worker() -> None:
    from kg.gazetteer import load_gazetteer

    load_gazetteer()


def _pool(jobs: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the parent's loaded modules and rule tables; elsewhere the default start method.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_warm_worker)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """`map(fn, items)` over `jobs` processes, in order, with a bounded number of items in flight."""
    if jobs <= 1:
        yield from map(fn, items)
        return
    with _pool(jobs) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= jobs * WINDOW_PER_JOB:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _effective_jobs(jobs: int | None, pages: int) -> int:
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    return max(1, min(jobs, pages))


def _build_one(page: Page | PageError):
    from kg.pipeline import build_page

    if isinstance(page, PageError):
        return page
    try:
        return build_page(page)
    except Exception as exc:  # noqa: BLE001 - one bad page must never stop the others
        return PageError(page.source, f"could not be built ({type(exc).__name__}: {exc})")


def _counted(items: Iterable[T], progress: Progress | None) -> Iterator[T]:
    for item in items:
        yield item
        if progress is not None:
            progress.step()
    if progress is not None:
        progress.close()


def build(pages: Iterable[Page | PageError], jobs: int | None = None, progress: bool = False):
    """`kg.pipeline.build` over `jobs` processes (None: all cores); the same `Build`, whatever `jobs`.

    `progress`: draw a progress bar on stderr when it is a terminal and there are enough pages."""
    from kg.pipeline import Build
    from kg.relate import relate

    pages = list(pages)
    bar = Progress(len(pages), enabled=None if progress else False)
    results, skipped = [], []
    for out in _counted(ordered_map(_build_one, pages, _effective_jobs(jobs, len(pages))), bar):
        (skipped if isinstance(out, PageError) else results).append(out)
    results.sort(key=lambda r: r.page.source)
    return Build(relate(results), tuple(sorted(skipped, key=lambda e: e.source)))


def _read_one(path: Path, max_bytes: int | None = None) -> Page | PageError:
    from kg.read import read_page

    try:
        return read_page(path, max_bytes)
    except PageError as err:
        return err


def _output_of_path(item: Path | PageError, max_bytes: int | None = None):
    from kg.stream import build_page_output

    return build_page_output(item if isinstance(item, PageError) else _read_one(item, max_bytes))


def stream_build(inputs: Sequence[Path | PageError], target: Path, jobs: int | None = None,
                 progress: Progress | None = None, max_bytes: int | None = None):
    """N-Triples of page files (or errors to report) into `target`, pages read and built by the workers."""
    from functools import partial

    from kg.stream import stream_ntriples

    read_and_build = partial(_output_of_path, max_bytes=max_bytes)
    outputs = ordered_map(read_and_build, inputs, _effective_jobs(jobs, len(inputs)))
    return stream_ntriples(_counted(outputs, progress), target)


# ---------------------------------------------------------------- Dask
def _dask_partition(paths: list[str], part: str, max_bytes: int | None = None):
    """One Dask task: build pages, write their page-level blocks to `part`, return the summaries."""
    from kg.stream import write_block

    summaries, skipped, articles = [], [], 0
    tmp = part + ".tmp"
    with open(tmp, "wb") as handle:
        for path in paths:
            output = _output_of_path(Path(path), max_bytes)
            if isinstance(output, PageError):
                skipped.append(output)
                continue
            write_block(handle, output)
            summaries.append(output.summary)
            articles += output.articles
    os.replace(tmp, part)
    return part, summaries, skipped, articles


def partitions(items: Sequence[T], count: int) -> list[list[T]]:
    """`items` cut into at most `count` runs of consecutive items, as even as can be."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, at = [], 0
    for i in range(count):
        n = size + (1 if i < extra else 0)
        out.append(list(items[at:at + n]))
        at += n
    return [p for p in out if p]


def dask_build(files: Sequence[Path], missing: Sequence[PageError], target: Path, scheduler: str | None = None,
               jobs: int | None = None, pages_per_task: int = 64, progress: Progress | None = None,
               max_bytes: int | None = None):
    """Build over a Dask cluster (a LocalCluster of `jobs` workers when no scheduler address is given).

    Workers read the page files and write partitions beside `target`, so on a real cluster both
    must be on storage every worker sees under the same path."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise KgError("--engine dask needs Dask: pip install 'dask[distributed]'") from None
    from kg.stream import EntityTable, StreamStats, merge_spills

    target = target.resolve()
    part_dir = target.with_name(f".{target.name}.parts")
    part_dir.mkdir(parents=True, exist_ok=True)
    chunks = partitions([str(p.resolve()) for p in files], max(1, -(-len(files) // pages_per_task)))
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=_effective_jobs(jobs, len(files)), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    stats, table = StreamStats(), EntityTable()
    stats.skipped.extend(missing)
    parts = [str(part_dir / f"part-{i:05d}.nt") for i in range(len(chunks))]
    try:
        futures = client.map(_dask_partition, chunks, parts, max_bytes=max_bytes, pure=False)
        for future in as_completed(futures):
            _, summaries, skipped, articles = future.result()
            for summary in summaries:
                table.add(summary)
            stats.pages += len(summaries)
            stats.articles += articles
            stats.skipped.extend(skipped)
            if progress is not None:
                progress.step(len(summaries) + len(skipped))
        if progress is not None:
            progress.close()
        merge_spills([Path(p) for p in parts], table, target, stats)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        for p in parts:
            Path(p).unlink(missing_ok=True)
        try:
            part_dir.rmdir()
        except OSError:
            pass
    stats.skipped.sort(key=lambda e: e.source)
    return stats


# ---------------------------------------------------------------- the command line's entry
def run_build(args) -> int | None:
    """`kg build` for `--stream` and `--engine dask`; None when the ordinary build should run."""
    if not args.stream and args.engine == "local":
        return None
    from kg.export.formats import remove_stale_formats
    from kg.read import expand_inputs, unique_names
    from kg.stream import print_stats

    formats = {f.strip() for f in args.format.split(",") if f.strip()}
    if formats != {"nt"}:
        raise KgError("--stream and --engine dask write N-Triples only: use --format nt")
    if getattr(args, "update", None) is not None or getattr(args, "remove", None):
        raise KgError("--stream and --engine dask build a whole archive: --update/--remove need the ordinary build")
    files, missing = expand_inputs(args.inputs, args.glob)
    files, clashes = unique_names(files)  # two files of one name would give their articles the same IRIs
    missing = [*missing, *clashes]
    max_bytes = None if getattr(args, "allow_large", False) else getattr(args, "max_bytes", None)
    out: Path = args.output
    target = out / "graph.nt"
    progress = Progress(len(files) + len(missing), enabled=None if args.progress else False)
    if args.engine == "dask":
        stats = dask_build(files, missing, target, args.scheduler, args.jobs, progress=progress,
                           max_bytes=max_bytes)
    else:
        stats = stream_build([*missing, *files], target, args.jobs, progress, max_bytes)
    remove_stale_formats(out, {target.name})  # a graph.ttl of an earlier build would contradict graph.nt
    for err in stats.skipped:
        print(f"error: {err}", file=sys.stderr)
    print_stats(stats, out)
    return 1 if stats.skipped else 0
