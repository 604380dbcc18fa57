"""Measure what an upload of measure values costs the worker that reads it, and write the
"Uploads" section of docs/benchmarks.md.

    .venv/bin/python benchmark/uploads.py

No database and no national data set: the files are built here (benchmark/upload_files.py)
and each is read the way the upload form reads it (``check_measure_values_file`` then
``parse_upload``: the checked-upload helper, the archive limits, the bounded XLSX or CSV
reader). That is the part a hostile file can make expensive; matching rows to the return
and saving them is the same work as typing the values into the return's pages.

Each file is read in a fresh Python process (Django set up with the test settings): the
first read gives the peak memory (Python's allocations, tracemalloc), then the median
time of five reads, on the clock and in CPU.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- uploads benchmark: written by benchmark/uploads.py -->"
END = "<!-- end of uploads benchmark -->"
REPEATS = 5
MB = 1024 * 1024


def _files() -> dict[str, tuple[str, str, bytes]]:
    """name -> (what it is, file name, content)."""
    from benchmark import upload_files as uf
    from csp_portal.lib.spreadsheets import Sheet, csv_bytes, new_workbook, workbook_bytes
    from performance.exports import COLUMNS
    from performance.uploads import UPLOAD_MAX_ROWS

    headings = [c.heading for c in COLUMNS]
    rows = [
        [
            "Q1 2026/27",
            chr(ord("A") + n // 100),
            f"M{n % 100}",
            f"Measure {n}",
            "Number",
            100,
            n % 97 + 0.5,
            n % 89 * 3,
            50,
            f"Note for measure {n}",
            "no",
            "",
            1,
        ]
        for n in range(UPLOAD_MAX_ROWS)
    ]
    # The same writer as the real template's (csp_portal.lib.spreadsheets), so the file
    # has its styles and shape.
    valid_xlsx = workbook_bytes(
        new_workbook(Sheet("Measure values", headings, rows, [c.width for c in COLUMNS]))
    )
    return {
        "valid_xlsx": (
            f"A valid XLSX: {UPLOAD_MAX_ROWS:,} measure rows (the row limit), 5 values each "
            f"({UPLOAD_MAX_ROWS * 5:,} values)",
            "values.xlsx",
            valid_xlsx,
        ),
        "valid_csv": (
            f"The same {UPLOAD_MAX_ROWS:,} rows as CSV",
            "values.csv",
            csv_bytes(headings, rows),
        ),
        "wide": (
            "16,384 columns declared (rows reaching column XFD)",
            "wide.xlsx",
            uf.wide_xlsx(headings, rows=2000),
        ),
        "lying": (
            "Dimension says A1:M2; 20 rows of 16,384 filled cells",
            "lying.xlsx",
            uf.lying_dimension_xlsx(headings, rows=20),
        ),
        "missing_dimension": (
            "No dimension; 20 rows of 16,384 filled cells",
            "nodim.xlsx",
            uf.lying_dimension_xlsx(headings, rows=20, dimension=None),
        ),
        "shared_string_bomb": (
            "One shared string of 500 MB",
            "bomb.xlsx",
            uf.shared_string_bomb_xlsx(headings),
        ),
        "repeated_strings": (
            "2,000 shared strings of 50 KB (95 MB unpacked)",
            "strings.xlsx",
            uf.repeated_strings_xlsx(headings),
        ),
        "billion_laughs": (
            "Entity expansion (billion laughs) in the shared strings",
            "laughs.xlsx",
            uf.entity_expansion_xlsx(headings),
        ),
        "ratio_bomb": (
            "One 5 MB member of zeros (under the size limit, far over the ratio)",
            "zeros.xlsx",
            uf.zeros_zip(),
        ),
        "wide_csv": (
            "CSV: a row of 500,000 fields",
            "wide.csv",
            (",".join(headings) + "\n" + "1," * 500_000 + "\n").encode(),
        ),
    }


def measure_one(path: str, name: str) -> dict:
    """In this (fresh) process: read the file as the form does."""
    import tracemalloc

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from performance.uploads import check_measure_values_file, parse_upload

    content = Path(path).read_bytes()

    def read() -> str:
        try:
            rows = parse_upload(check_measure_values_file(SimpleUploadedFile(name, content)))
        except ValidationError as exc:
            return "Refused: " + " ".join(exc.messages)
        return f"Accepted: {len(rows):,} rows"

    # The first read under tracemalloc, for the peak; the others for the time, without it.
    tracemalloc.start()
    outcome = read()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    wall, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        read()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "seconds": statistics.median(wall),
        "cpu_seconds": statistics.median(cpu),
        "peak_mb": peak / MB,
        "outcome": outcome,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--one", nargs=2, metavar=("PATH", "NAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp_portal.settings.test")
    import django

    django.setup()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for key, (what, name, content) in _files().items():
            path = Path(folder) / name
            path.write_bytes(content)
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(path), name],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append({"key": key, "what": what, "size": len(content), **result})
            print(
                f"{key}: {result['seconds'] * 1000:.0f} ms ({result['cpu_seconds'] * 1000:.0f} ms CPU), "
                f"{result['peak_mb']:.1f} MB"
            )
    write_section(Path(args.output), section(results))
    print(f"Wrote the uploads section of {args.output}")


def section(results: list[dict]) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    hostile = [r for r in results if not r["key"].startswith("valid")]
    worst = max(hostile, key=lambda r: r["seconds"])
    lines = [
        START,
        "## Uploads",
        "",
        f"Measured {dt.datetime.now(dt.UTC):%-d %B %Y} at commit `{commit}` by "
        f"`benchmark/uploads.py` ({os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}). Each file is read as the upload form reads it "
        "(`check_measure_values_file`, then `parse_upload`), in a fresh process: peak memory is "
        "the peak of Python's allocations during the first read (tracemalloc), times are the "
        f"median of the {REPEATS} reads after it, on the clock and in CPU (the machine is "
        "shared, so the clock waits for other work too). Matching the rows to the return and "
        "saving them is not included (the same work as saving the return's pages).",
        "",
        "| File | Size | Time (ms) | CPU (ms) | Peak memory (MB) | Outcome |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        size = f"{r['size'] / 1024:,.0f} KB"
        outcome = r["outcome"].replace("|", "\\|")
        lines.append(
            f"| {r['what']} | {size} | {r['seconds'] * 1000:,.1f} | {r['cpu_seconds'] * 1000:,.1f} "
            f"| {r['peak_mb']:,.1f} | {outcome} |"
        )
    lines += [
        "",
        f"The slowest hostile file ({worst['what']}) is refused in "
        f"{worst['seconds'] * 1000:,.0f} ms (goal: under a second). Before these limits "
        "(issue 7), a 20 KB sheet of 16,384 columns held a worker for 15–19 s, a 1 MB one "
        "for about ten minutes, and a 0.5 MB file with a 500 MB shared string took 2 GB of "
        "memory. The limits are in docs/uploads.md.",
        "",
        "Run it again with `.venv/bin/python benchmark/uploads.py`.",
        END,
    ]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    """Replace the uploads section of the file, or add it at the end."""
    old = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _: text, old)
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(new)


def kept_section(path: Path) -> str:
    """The uploads section already in the file (benchmark/run.py keeps it), or ''."""
    old = path.read_text() if path.exists() else ""
    match = re.search(re.escape(START) + ".*?" + re.escape(END), old, re.S)
    return match.group(0) if match else ""


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
