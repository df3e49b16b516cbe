"""One spreadsheet bomb decoded in a fresh process, for honest time and memory figures (run by
bench/scenarios/import_bombs.py).

    python -m bench.import_bomb_probe --file path/to/bomb.xlsx

(the scenario builds the file first: building a bomb costs more memory than refusing it).

Prints JSON: the file's size, seconds, the answer (the refusal, or the rows read), the peak RSS
of the process (VmHWM) and the peak above the RSS just before decoding.
"""

import argparse
import json
import time

from bench.export_probe import rss_mib


def peak_rss_mib():
    """This process's peak RSS since it started (VmHWM: ru_maxrss would include the parent's
    peak from before the exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    args = parser.parse_args()

    from bench.run import _setup_django

    _setup_django(migrate=False)
    from django.utils import translation

    from placements.services.imports import ImportFileError, import_decode

    with open(args.file, "rb") as handle:
        data = handle.read()
    idle = rss_mib()
    started = time.perf_counter()
    with translation.override("ja"):
        try:
            rows = import_decode(upload=data)
            answer = f"read {len(rows)} rows"
        except ImportFileError as error:
            answer = " ".join(error.messages)
    seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "file_kib": round(len(data) / 1024, 1),
                "seconds": round(seconds, 2),
                "peak_rss_mib": round(peak, 1),
                "peak_mib_above_idle": round(max(peak - idle, 0), 1),
                "answer": answer,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
