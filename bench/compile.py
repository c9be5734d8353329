"""Time the compile of a 200-node scenario (no database).

Prints the median of many runs, and the same figure as a ratio to a baseline timed in the
same run (json.loads of the tree + lxml parse and serialisation of the emitted document), so
the number means something on a loaded or slower machine too.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402

from pbx.compiler import compile_tree  # noqa: E402
from pbx.nodes.walk import walk  # noqa: E402
from tests.support.compiler import big_tree, snapshot  # noqa: E402


def median_ms(action, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main(runs: int = 50) -> None:
    tree = {"name": "bench", "root": big_tree(10, 9, 5)}
    nodes = sum(1 for _ in walk(tree["root"]))
    snap = snapshot()
    compiled = compile_tree(tree, snap, scenario_id=5, version_id=8, main_number_id=1)  # warm the registry
    text = json.dumps(tree)

    def baseline():
        json.loads(text)
        etree.tostring(etree.fromstring(compiled.xml))

    def compile_once():
        compile_tree(tree, snap, scenario_id=5, version_id=8, main_number_id=1)

    # Interleaved rounds, so both see the same machine load.
    base, comp = [], []
    for _ in range(5):
        base.append(median_ms(baseline, runs // 5 or 1))
        comp.append(median_ms(compile_once, runs // 5 or 1))
    base_ms, comp_ms = statistics.median(m for m, _ in base), statistics.median(m for m, _ in comp)
    print(f"{nodes} nodes: median {comp_ms:.1f} ms, best {min(b for _, b in comp):.1f} ms, "
          f"{len(compiled.xml) / 1024:.0f} KiB of XML; baseline (json.loads + lxml parse/serialise of the "
          f"document) {base_ms:.1f} ms; compile = {comp_ms / base_ms:.1f} x baseline")


if __name__ == "__main__":
    main()
