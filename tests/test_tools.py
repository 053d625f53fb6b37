"""tools/asv_commits.py reads asv's comparison the way asv marks it."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import asv_commits  # noqa: E402

REPORT = """Benchmarks that have got worse:
| Change   | Before [6f98bc40] <main>   | After [63b22b06]   |   Ratio | Benchmark (Parameter)   |
|----------|----------------------------|--------------------|---------|-------------------------|
| +        | 215±0ms                    | 561±0ms            |    2.61 | bench_ridge.time_a(100) |
| +        | 2.0                        | 3.0                |    1.50 | bench_ridge.track_speedup(100) |

Benchmarks that have improved:
| Change   | Before [6f98bc40] <main>   | After [63b22b06]   |   Ratio | Benchmark (Parameter)   |
|----------|----------------------------|--------------------|---------|-------------------------|
| -        | 1.02±0s                    | 430±0ms            |    0.42 | bench_ridge.time_b(100) |
"""


def test_slower_lines_are_the_rows_marked_plus():
    slower = asv_commits.slower_lines(REPORT)
    assert len(slower) == 1 and "time_a" in slower[0]  # a larger speed-up is better
    assert (
        asv_commits.slower_lines(REPORT.split("Benchmarks that have improved")[1]) == []
    )
