"""One export in a fresh process, for honest time and memory figures (run by bench/scenarios/exports.py).

    python -m bench.export_probe --fmt csv|xlsx|iex-csv --rows N

Prints JSON: seconds, rows, the process's CPU seconds (on a shared machine, wall time also
counts waiting for a core), and the peak RSS (sampled every 5 ms) above the RSS just before the export.
"""

import argparse
import json
import os
import tempfile
import threading
import time


def rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fmt", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--tenant", default="bench-reminders")
    args = parser.parse_args()

    from bench.run import _setup_django

    _setup_django(migrate=False)
    from django_scopes import scope

    from coop.exports import xlsx_table
    from coop.models import Tenant
    from coop.spreadsheets import csv_chunks
    from placements.exports import TABLES
    from placements.models import Placement

    tenant = Tenant.objects.get(slug=args.tenant)
    table = TABLES["placements"]
    with scope(tenant=tenant):
        ids = Placement.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True)
        last = ids[args.rows - 1]
        queryset = Placement.objects.filter(tenant=tenant, pk__lte=last).order_by("pk")
        list(Placement.objects.filter(tenant=tenant)[:10])  # warm the connection and the ORM
        before = rss_mib()
        peak = [before]
        done = threading.Event()

        def sample():  # the process's peak RSS during the export, every 5 ms
            while not done.wait(0.005):
                peak[0] = max(peak[0], rss_mib())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        count = [0]
        if args.fmt == "csv":
            with open(os.devnull, "wb") as sink:
                for chunk in csv_chunks(table.header(), table.rows(queryset), count):
                    sink.write(chunk)
        elif args.fmt == "xlsx":
            with tempfile.TemporaryFile() as spool:
                count[0] = xlsx_table(spool, title="placements", header=table.header(), rows=table.rows(queryset))
        elif args.fmt == "iex-csv":
            # The same columns through django-import-export's default path (a tablib Dataset in memory).
            from import_export import resources

            class PlacementExport(resources.ModelResource):
                class Meta:
                    model = Placement
                    fields = [path for _label, path in table.columns]

            dataset = PlacementExport().export(queryset=queryset)
            with open(os.devnull, "w") as sink:
                sink.write(dataset.csv)
            count[0] = len(dataset)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        done.set()
        sampler.join()
        peak[0] = max(peak[0], rss_mib())
    print(
        json.dumps(
            {
                "rows": count[0],
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu_seconds, 2),  # this process only: the database's work is not in it
                "peak_mib_above_idle": round(peak[0] - before, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
