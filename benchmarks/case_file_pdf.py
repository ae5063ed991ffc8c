""" "Åbn alle dokumenter": building the case file against qpdf merging the same files.

    .venv/bin/python benchmarks/case_file_pdf.py [--rounds 5] [--large-pages 1000]

1. Writes 60 different five-page PDFs (300 pages) to a temporary folder, then alternates,
   round by round, the product's build (`documents.case_file.build_case_file_pdf`: the
   contents page drawn as PDF text, the pages joined and bookmarked with pikepdf) with
   `qpdf --empty --pages f1 … f60 -- out.pdf` on the same files, and prints the median wall
   time of each and their ratio (goal: at most 1.5× qpdf).
2. Builds a 1,000-page case file (200 documents of five pages) in a child process and prints
   its peak memory, the child's RSS high-water mark (`getrusage(RUSAGE_CHILDREN).ru_maxrss`),
   beside that of a child that only starts and renders the contents page of an empty file
   (goal: under 300 MB).

No database is used: the documents are read from the folder. Exit 1 if a goal is missed and
`--strict` is given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from sagsbro.documents.rules import CaseFileEntry, CaseFilePlan

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RATIO_GOAL = 1.5
MEMORY_GOAL_MB = 300
PAGES_EACH = 5


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sagsbro.settings.test")
    import django

    django.setup()


def write_documents(folder: Path, documents: int, pages_each: int = PAGES_EACH) -> list[Path]:
    from sagsbro.documents.tests.case_file_files import multi_page_pdf

    paths = []
    for n in range(documents):
        path = folder / f"dokument-{n:04d}.pdf"
        path.write_bytes(multi_page_pdf(f"Dokument {n:04d}", pages_each))
        paths.append(path)
    return paths


def plan_for(paths: list[Path]) -> CaseFilePlan:
    import hashlib

    from sagsbro.documents.rules import CaseFileEntry, Category, case_file_plan

    categories = list(Category)
    entries = [
        CaseFileEntry(
            document_id=n,
            category=str(categories[n % len(categories)]),
            title=path.stem.replace("-", " ").capitalize(),
            document_date=date(2026, 1 + n % 12, 1 + n % 28),
            sha256=hashlib.sha256(path.name.encode()).hexdigest(),
        )
        for n, path in enumerate(paths)
    ]
    return case_file_plan(entries)


def build(paths: list[Path], out_path: Path) -> int:
    """The product's build of a case file holding these files; returns its page count."""
    from sagsbro.documents.case_file import build_case_file_pdf

    by_id = dict(enumerate(paths))

    def open_source(entry: CaseFileEntry) -> BinaryIO:
        return by_id[entry.document_id].open("rb")

    built = build_case_file_pdf(plan_for(paths), open_source, out_path, reference="B-1")
    return built.page_count


def timing_contents(into: list[float]) -> None:
    """Time the contents page inside each build (its share of the same run)."""
    from sagsbro.documents import case_file

    render = case_file.render_contents

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return render(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - started)

    case_file.render_contents = timed  # type: ignore[assignment]


def qpdf_merge(qpdf: str, paths: list[Path], out_path: Path) -> None:
    subprocess.run(
        [qpdf, "--empty", "--pages", *map(str, paths), "--", str(out_path)],
        check=True,
        capture_output=True,
    )


def child_peak_mb(args: list[str]) -> float:
    """Run this script as a child with `args` (through a fresh interpreter that waits for it,
    so no earlier child counts); the child's RSS high-water mark in MB."""
    waiter = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", waiter, sys.executable, __file__, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1]) / 1024  # kB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--large-pages", type=int, default=1000)
    parser.add_argument("--strict", action="store_true")
    # Internal: the child processes of the memory measurement.
    parser.add_argument("--child-build", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-folder", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()

    _setup_django()
    if args.child_build is not None:
        folder = Path(args.child_folder)
        paths = sorted(folder.glob("*.pdf"))[: args.child_build]
        with tempfile.TemporaryDirectory() as out_dir:
            build(paths, Path(out_dir) / "samling.pdf")
        return 0

    qpdf = shutil.which("qpdf")
    if qpdf is None:
        print("qpdf is not installed (apt-get install qpdf)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="case-file-bench-") as tmp:
        folder = Path(tmp)
        small = folder / "small"
        small.mkdir()
        paths = write_documents(small, args.documents)
        ours: list[float] = []
        theirs: list[float] = []
        contents: list[float] = []
        # One warm-up each (imports, fonts, the page cache), then the rounds, alternating.
        pages = build(paths, folder / "warm.pdf")
        qpdf_merge(qpdf, paths, folder / "warm-qpdf.pdf")
        timing_contents(contents)
        for _ in range(args.rounds):
            started = time.perf_counter()
            build(paths, folder / "ours.pdf")
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            qpdf_merge(qpdf, paths, folder / "qpdf.pdf")
            theirs.append(time.perf_counter() - started)
        ours_ms = statistics.median(ours) * 1000
        qpdf_ms = statistics.median(theirs) * 1000
        ratio = ours_ms / qpdf_ms
        print(
            f"Case file of {args.documents} documents / {args.documents * PAGES_EACH} pages "
            f"({pages} with the contents), median of {args.rounds} rounds:"
        )
        print(f"  build (contents + pikepdf): {ours_ms:8.1f} ms")
        print(f"  qpdf --empty --pages …    : {qpdf_ms:8.1f} ms")
        joining = [total - part for total, part in zip(ours, contents, strict=True)]
        contents_ms = statistics.median(contents) * 1000
        joining_ms = statistics.median(joining) * 1000
        print(f"  ratio: {ratio:.2f}× qpdf (goal ≤ {RATIO_GOAL}×)")
        print(
            f"  of the build, the contents page alone: {contents_ms:.1f} ms; "
            f"the rest (opening, joining, bookmarks, writing): {joining_ms:.1f} ms "
            f"= {joining_ms / qpdf_ms:.2f}× qpdf"
        )

        large = folder / "large"
        large.mkdir()
        documents = max(1, args.large_pages // PAGES_EACH)
        write_documents(large, documents)
        baseline = child_peak_mb(["--child-build", "0", "--child-folder", str(large)])
        peak = child_peak_mb(["--child-build", str(documents), "--child-folder", str(large)])
        print("Peak memory (RSS high-water mark of a child process):")
        print(f"  empty case file (start-up + contents page): {baseline:6.1f} MB")
        print(
            f"  {documents * PAGES_EACH}-page case file ({documents} documents): "
            f"{peak:6.1f} MB (goal < {MEMORY_GOAL_MB} MB)"
        )

    missed = ratio > RATIO_GOAL or peak >= MEMORY_GOAL_MB
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
