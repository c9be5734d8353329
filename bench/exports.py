"""Rows per second and peak memory of each export format over generated call records.

Usage: .venv/bin/python bench/exports.py [rows]   (default 1,000,000)

Each format runs in a process of its own, so each peak RSS is that format's alone (the process
includes the app's imports, as the panel and the task worker do). The rows are generated as the
database hands them to the exporter (a mix of answered, missed and outgoing calls over a month,
names looked up per row, times converted to Warsaw), then go through the exporter's own code:
``record_values`` → ``csv_chunks`` or ``write_xlsx`` → a file. Reading them from the database
is not part of this figure.

The baseline, timed in the same process just before, is a plain ``csv.writer`` writing the same
generated rows to a file: the ratio tells the exporter's cost on any machine, loaded or not.
Rows per CPU second (this process's own CPU time) are printed beside rows per second of the
clock: on a machine shared with other work they still tell what the code costs; the same less
the time it takes to make the rows tells the exporter's own cost.
Targets: CSV ≥ 150,000 rows/s, XLSX ≥ 40,000 rows/s, peak RSS ≤ 150 MB.
"""
from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import namedtuple
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FORMATS = ("csv", "csv-excel", "xlsx")
TARGETS = {"csv": 150_000, "csv-excel": 150_000, "xlsx": 40_000}
MAX_RSS_MB = 150
Row = namedtuple("Row", "id started_at ended_at direction main_number caller destination answered_at "
                        "answered_by_user_id answered_number wait_seconds talk_seconds hangup_cause path")
PATHS = (["hours:open", "main_menu:1", "sales"], ["hours:open", "main_menu:2", "accounting"], ["hours:closed"])


def generated(rows: int):
    """Calls of one busy company over a month: 60 % answered, 30 % missed, 10 % outgoing."""
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    for n in range(rows):
        started = start + timedelta(seconds=n * 2.6)
        kind = n % 10
        answered = kind < 6 or kind == 9
        talk = (n * 37) % 900 if answered else 0
        wait = (n * 13) % 40
        yield Row(n, started, started + timedelta(seconds=wait + talk), "out" if kind == 9 else "in",
                  "+48221000000", f"+48600{n % 1000000:06d}", "48221000000",
                  started + timedelta(seconds=wait) if answered else None,
                  1 + n % 20 if kind < 6 else None, f"1{n % 20:02d}" if answered else None, wait, talk,
                  "NORMAL_CLEARING" if answered else "NO_ANSWER", PATHS[n % 3])


def names():
    from pbx.call_export import Names

    return Names({i: f"Pracownik{i} Kamińska" for i in range(1, 21)},
                 {i: "Księgowość" if i % 2 else "Sprzedaż" for i in range(1, 21)},
                 {"+48221000000": "Główny"})


def timed(action) -> tuple[float, float]:
    """Seconds of the clock and of this process's CPU: on a machine shared with other work the
    CPU time still tells what the code costs."""
    clock, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - clock, time.process_time() - cpu


def generation(rows: int) -> tuple[float, float]:
    """Making the rows alone: both the baseline and the exporter include it."""
    def make():
        for _ in generated(rows):
            pass
    return timed(make)


def baseline(rows: int, folder: str) -> tuple[float, float]:
    def write():
        with open(Path(folder) / "baseline.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(generated(rows))
    return timed(write)


def exporter(format_name: str, rows: int, folder: str) -> tuple[float, float]:
    from pbx.call_export import CALL_COLUMNS, record_values
    from pbx.exports import csv_chunks, dialect, write_xlsx

    values = map(record_values("Europe/Warsaw", names()), generated(rows))
    chosen = dialect(format_name)

    def write():
        with open(Path(folder) / f"export-{format_name}", "wb") as handle:
            if format_name == "xlsx":
                write_xlsx(handle, CALL_COLUMNS, values, chosen)
            else:
                for chunk in csv_chunks(CALL_COLUMNS, values, chosen):
                    handle.write(chunk.encode("utf-8"))
    return timed(write)


def one_format(format_name: str, rows: int) -> None:
    """In a process of its own: prints this format's figures as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        _, making_cpu = generation(rows)
        base_clock, base_cpu = baseline(rows, folder)
        clock, cpu = exporter(format_name, rows, folder)
        size = (Path(folder) / f"export-{format_name}").stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rate": rows / clock, "cpu_rate": rows / cpu, "own_cpu_rate": rows / (cpu - making_cpu),
                      "baseline": rows / base_clock,
                      "baseline_cpu": rows / base_cpu, "peak_mb": peak_mb, "size": size}))


def main(rows: int) -> int:
    print(f"{rows:,} generated call records; baseline: csv.writer over the same rows, same process")
    met = True
    for format_name in FORMATS:
        out = subprocess.run([sys.executable, __file__, "--one", format_name, str(rows)],
                             check=True, capture_output=True, text=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        ok = figures["rate"] >= TARGETS[format_name] and figures["peak_mb"] <= MAX_RSS_MB
        met &= ok
        print(f"{format_name:10} {figures['rate']:>9,.0f} rows/s ({figures['cpu_rate']:,.0f} per CPU second, "
              f"{figures['own_cpu_rate']:,.0f} without making the rows; target {TARGETS[format_name]:,})  "
              f"{figures['rate'] / figures['baseline']:.2f}× baseline "
              f"({figures['baseline']:,.0f} rows/s, {figures['baseline_cpu']:,.0f} per CPU second)  "
              f"peak RSS {figures['peak_mb']:.0f} MB (target ≤ {MAX_RSS_MB})  "
              f"file {figures['size'] / 1e6:.0f} MB  {'met' if ok else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one_format(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
