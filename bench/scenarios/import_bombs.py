"""Spreadsheet bombs (issue 12): each decoded in a fresh process, with its time and peak memory.
Target: any file up to the upload limit is answered within 10 s and 200 MiB. Before the
streaming reader: 144 s and 2.6 GiB for the dimension bomb, 0.6-0.8 GiB for the other two."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _probe(path):
    result = subprocess.run(
        [sys.executable, "-m", "bench.import_bomb_probe", "--file", str(path)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def scenario_import_bombs(tenant, seconds):
    from bench.import_bombs import BOMBS

    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, build in BOMBS.items():
            path = Path(directory) / f"{name}.xlsx"
            path.write_bytes(build())
            results[name] = _probe(path)
    results["within_target"] = all(r["seconds"] <= 10 and r["peak_rss_mib"] <= 200 for r in results.values())
    return results


SCENARIOS = {"import_bombs": scenario_import_bombs}
