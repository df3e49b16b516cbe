"""Streamed exports of placements at 10,000 and 100,000 rows, each in a fresh process (time and
peak memory above that process's idle RSS), beside django-import-export's default path."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _probe(fmt, rows):
    result = subprocess.run(
        [sys.executable, "-m", "bench.export_probe", "--fmt", fmt, "--rows", str(rows)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def scenario_exports(tenant, seconds):
    from .reminders import _tenant

    _tenant()  # the 100,000 placements
    results = {}
    for fmt in ("csv", "xlsx", "iex-csv"):
        for rows in (10_000, 100_000):
            results[f"{fmt}_{rows}"] = _probe(fmt, rows)
    for fmt in ("csv", "xlsx"):
        small, large = results[f"{fmt}_10000"], results[f"{fmt}_100000"]
        results[f"{fmt}_memory_100k_vs_10k"] = round(
            large["peak_mib_above_idle"] / max(small["peak_mib_above_idle"], 0.1), 2
        )
    return results


SCENARIOS = {"exports": scenario_exports}
