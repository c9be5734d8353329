"""Time the compile of a 200-node scenario (no database): prints the median of many runs."""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pbx.compiler import compile_tree  # noqa: E402
from tests.compiler.support import snapshot  # noqa: E402
from tests.scenarios.test_versions import big_tree  # noqa: E402


def main(runs: int = 50) -> None:
    tree = {"name": "bench", "root": big_tree(10, 9, 5)}
    nodes = sum(1 for _ in _walk(tree["root"]))
    snap = snapshot()
    compile_tree(tree, snap, scenario_id=5, version_id=8, main_number_id=1)  # warm the registry and imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = compile_tree(tree, snap, scenario_id=5, version_id=8, main_number_id=1)
        times.append((time.perf_counter() - start) * 1000)
    print(f"{nodes} nodes: median {statistics.median(times):.1f} ms, best {min(times):.1f} ms, "
          f"{len(result.xml) / 1024:.0f} KiB of XML")


def _walk(node):
    yield node
    for value in node.values():
        if isinstance(value, dict) and "kind" in value:
            yield from _walk(value)
        elif isinstance(value, dict):
            for child in value.values():
                if isinstance(child, dict) and "kind" in child:
                    yield from _walk(child)


if __name__ == "__main__":
    main()
