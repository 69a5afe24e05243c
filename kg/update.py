"""Which pages a build holds, and keeping them so a build can be updated.

Every build keeps a copy of each page it read, as decoded UTF-8 text, under
`OUT/.pages/<page name>`. `kg build NEW --update OUT` then builds the union
of the kept pages and the new ones (a new page replaces a kept page of the
same name; `--remove NAME` drops one) from scratch, so an updated build is the
graph a full build of that page set gives, byte for byte: correct by
construction, entities reused by identifier, nothing counted twice.

The trade-off: an update costs a full rebuild of every kept page (about a
third of a second a page on one core) and the kept pages double the input on
disk. Keeping each page's extraction result instead would save the
re-extraction but not the linking (aliases, kinds and coded places are
decided over all pages at once), and would tie the kept data to the code's
data model; the kept text stays valid when the rules change, and an update
then rebuilds old pages by the new rules.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence, TextIO

from kg.errors import KgError
from kg.export.files import write_atomic
from kg.model import Page
from kg.read import DEFAULT_MAX_BYTES, Loaded, PageWarning, load_inputs

KEPT_DIR = ".pages"


def kept_dir(out: Path) -> Path:
    return out / KEPT_DIR


def _is_kept_file(path: Path) -> bool:
    # write_atomic's temporary files are ".<name>.<random>.tmp": an interrupted write, not a page
    return path.is_file() and not (path.name.startswith(".") and path.name.endswith(".tmp"))


def kept_pages(out: Path) -> tuple[Page, ...]:
    """The pages kept by the build in `out`, by name."""
    directory = kept_dir(out)
    if not directory.is_dir():
        return ()
    pages = []
    for path in sorted(p for p in directory.iterdir() if _is_kept_file(p)):
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KgError(f"{path}: kept page is unreadable ({exc}); rebuild {out} from the page files") from None
        pages.append(Page(path.name, text))
    return tuple(pages)


@dataclass(frozen=True)
class PageSet:
    """The pages a build is made of, and how they differ from the pages kept before it."""

    pages: tuple[Page, ...]
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    warnings: tuple[PageWarning, ...] = ()


def page_set(new: Iterable[Page], kept: Iterable[Page] = (), remove: Iterable[str] = (),
             where: str = "the build") -> PageSet:
    """kept ∪ new (a new page replaces the kept page of its name) − removed, sorted by name."""
    by_name = {p.source: p for p in kept}
    before = dict(by_name)
    warnings = []
    added, replaced, same = [], [], []
    for page in new:
        if page.source not in before:
            added.append(page.source)
        elif before[page.source].text == page.text:
            same.append(page.source)
        else:
            replaced.append(page.source)
        by_name[page.source] = page
    removed = []
    for name in remove:
        if by_name.pop(name, None) is None:
            warnings.append(PageWarning(name, f"--remove: no such page in {where}"))
        else:
            removed.append(name)
    unchanged = sorted(set(same) | (set(before) - set(added) - set(replaced) - set(removed) - set(same)))
    pages = tuple(by_name[name] for name in sorted(by_name))
    return PageSet(pages, tuple(added), tuple(replaced), tuple(removed), tuple(unchanged), tuple(warnings))


def keep_pages(out: Path, pages: Sequence[Page]) -> None:
    """Make `OUT/.pages` hold exactly `pages`; files already holding the same text are left alone."""
    directory = kept_dir(out)
    names = {p.source for p in pages}
    for page in pages:
        data = page.text.encode("utf-8")
        path = directory / page.source
        if not (path.is_file() and path.read_bytes() == data):
            write_atomic(path, data)
    if directory.is_dir():
        for path in directory.iterdir():
            if _is_kept_file(path) and path.name not in names:
                path.unlink()


def no_article_warnings(results) -> tuple[PageWarning, ...]:
    return tuple(PageWarning(r.page.source, "no article found (no dateline, byline or headline recognised); "
                                            "the page adds nothing to the graph")
                 for r in results if not r.articles)


@dataclass
class Prepared:
    """A build ready to be written: what was built, what was skipped, what deserves a warning."""

    out: Path
    pages: PageSet
    build: object  # kg.pipeline.Build
    warnings: tuple[PageWarning, ...]
    updating: bool

    @property
    def nothing_built(self) -> bool:
        """Every page given was skipped (unreadable, or failed to build): keep the previous output."""
        return bool(self.build.skipped) and not self.build.linked.results

    @property
    def status(self) -> int:
        return 1 if self.build.skipped else 0

    def report(self, strict: bool = False, stream: TextIO | None = None) -> bool:
        """Print one line per skipped page and per warning; False when nothing must be written: under
        `strict` with warnings, or when every page given was skipped."""
        stream = stream or sys.stderr
        for err in self.build.skipped:
            print(f"error: {err}", file=stream)
        for warning in self.warnings:
            print(f"{'error' if strict else 'warning'}: {warning}{' (--strict)' if strict else ''}", file=stream)
        if self.updating:
            p = self.pages
            print(f"update of {self.out}: {len(p.added)} pages added, {len(p.replaced)} replaced, "
                  f"{len(p.removed)} removed, {len(p.unchanged)} unchanged")
        if strict and self.warnings:
            print(f"{len(self.warnings)} warning(s), fatal under --strict: nothing written")
            return False
        if self.nothing_built:
            print(f"0 pages built, {len(self.build.skipped)} skipped: nothing written")
            return False
        if self.warnings:
            print(f"{len(self.warnings)} warning(s)")
        return True

    def keep(self) -> None:
        keep_pages(self.out, self.pages.pages)


def prepare_build(inputs: Sequence[Path], *, out: Path, glob: str = "*.txt", update: bool = False,
                  remove: Sequence[str] = (), max_bytes: int | None = DEFAULT_MAX_BYTES,
                  build_fn: Callable | None = None) -> Prepared:
    """Read the inputs, merge them with the pages kept in `out` when updating, and build them all."""
    if not inputs and not update:
        raise KgError("no pages given: name page files or directories (or --update OUT to rebuild a build)")
    if remove and not update:
        raise KgError("--remove needs --update OUT: it drops a page from an existing build")
    if update and not kept_dir(out).is_dir():
        raise KgError(f"{out} holds no kept pages ({KEPT_DIR}/): build it with 'kg build PAGES -o {out}' first")
    if build_fn is None:
        from kg.pipeline import build as build_fn
    loaded: Loaded = load_inputs(inputs, glob, max_bytes)
    kept = kept_pages(out) if update else ()
    pages = page_set(loaded.pages, kept, [Path(name).name for name in remove], str(out))
    built = build_fn(list(pages.pages))
    # read errors are joined here, not sent through build_fn (which may hand pages to other processes)
    skipped = tuple(sorted((*loaded.errors, *built.skipped), key=lambda e: (e.source, e.problem)))
    result = replace(built, skipped=skipped)
    warnings = loaded.warnings + pages.warnings + no_article_warnings(result.linked.results)
    warnings = tuple(sorted(set(warnings), key=lambda w: (w.source, w.problem)))
    return Prepared(out, pages, result, warnings, update)


def prepare_from_args(args, build_fn: Callable | None = None) -> Prepared:
    """`prepare_build` with the `kg build` options."""
    out = args.update if args.update is not None else args.output
    return prepare_build(args.inputs, out=out, glob=args.glob, update=args.update is not None,
                         remove=args.remove or (), max_bytes=None if args.allow_large else args.max_bytes,
                         build_fn=build_fn)
