"""Fuzz the reader and the page build for a while (not part of CI).

    .venv/bin/python scripts/fuzz_build.py --minutes 5

Runs the property checks of tests/test_properties.py at high example counts, in rounds with fresh random
seeds, until the time is up: random bytes and mangled encodings through `decode_text`; random page-like
text (datelines, brackets, quotes, controls, astral characters) and pieces of the seed pages spliced
together through `build_page`, with the invariants checked and the graph round-tripped through Turtle and
N-Triples. Reports each distinct failure once with its smallest example, and the slowest pages.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from kg.model import Page  # noqa: E402
from kg.pipeline import build_page  # noqa: E402
from test_properties import check_decoded, check_result, page_bytes, page_texts, round_trip  # noqa: E402

SEED_TEXT = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))


@st.composite
def spliced_pages(draw) -> str:
    """Real page lines cut and spliced with hostile pieces: where the segmenter and finders do real work."""
    parts = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        start = draw(st.integers(min_value=0, max_value=len(SEED_TEXT) - 1))
        parts.append(SEED_TEXT[start: start + draw(st.integers(min_value=0, max_value=600))])
        parts.append(draw(page_texts))
    return "".join(parts)


class Tally:
    def __init__(self):
        self.inputs = 0
        self.failures: dict[str, str] = {}
        self.slowest: list[tuple[float, int, str]] = []

    def timed_build(self, text: str) -> None:
        self.inputs += 1
        page = Page("fuzz.txt", text)
        started = time.perf_counter()
        result = build_page(page)
        elapsed = time.perf_counter() - started
        self.slowest = sorted(self.slowest + [(elapsed, len(text), text[:80])], reverse=True)[:5]
        check_result(page, result)
        round_trip(result)


def run_round(tally: Tally, examples: int, seed: int) -> None:
    config = settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                      suppress_health_check=list(HealthCheck))
    rng = random.Random(seed)

    @config
    @given(page_bytes)
    def fuzz_decode(raw):
        tally.inputs += 1
        check_decoded(raw)

    @config
    @given(st.one_of(page_texts, spliced_pages()))
    def fuzz_build(text):
        tally.timed_build(text)

    for check in (fuzz_decode, fuzz_build):
        check._hypothesis_internal_use_seed = rng.getrandbits(64)
        try:
            check()
        except BaseException as exc:  # noqa: BLE001 - report every failure, go on fuzzing
            if isinstance(exc, KeyboardInterrupt):
                raise
            key = f"{check.__name__}: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            if key not in tally.failures:
                tally.failures[key] = traceback.format_exc(limit=-6)
                print(f"FAILURE {key}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--examples", type=int, default=500, help="examples per check per round")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tally = Tally()
    started = time.monotonic()
    rounds = 0
    while time.monotonic() - started < args.minutes * 60:
        run_round(tally, args.examples, args.seed + rounds)
        rounds += 1
        print(f"round {rounds}: {tally.inputs} inputs, {len(tally.failures)} distinct failures, "
              f"{time.monotonic() - started:.0f} s", flush=True)
    print(f"\n{tally.inputs} inputs in {rounds} rounds, {time.monotonic() - started:.0f} s; "
          f"{len(tally.failures)} distinct failures")
    for key, trace in tally.failures.items():
        print(f"\n=== {key}\n{trace}")
    print("slowest pages (s, chars, start):")
    for elapsed, size, start in tally.slowest:
        print(f"  {elapsed:.2f}  {size}  {start!r}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
