"""Every file the portal hands out goes through coop.downloads (access checked by the caller,
logged, attachment-safe headers), so a new download cannot forget the log."""

import re
from pathlib import Path

import pytest

from ..project import APPS

ROOT = Path(__file__).resolve().parents[2]
SERVES_A_FILE = re.compile(r"FileResponse\(|Content-Disposition")
# Places allowed to build a file response themselves, and why.
ALLOWED = {
    "coop/downloads.py": "the one helper",
    "coop/exports.py": "streamed exports; they call download_log once the last row is written",
    "coop/views.py": "the iCalendar feed, polled hourly by calendar apps: a personal feed, not a document",
    "placements/views/imports.py": "the empty import template: an example row, no data of anyone",
}


def _offenders(root, files):
    return sorted(
        str(path.relative_to(root))
        for path in files
        if str(path.relative_to(root)) not in ALLOWED and SERVES_A_FILE.search(path.read_text(encoding="utf-8"))
    )


def test_file_responses_are_built_only_by_the_download_helper():
    files = [p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    assert _offenders(ROOT, files) == []


@pytest.mark.parametrize("planted", ['return FileResponse(f.open("rb"))', 'r["Content-Disposition"] = "attachment"'])
def test_the_rule_catches_a_planted_download(tmp_path, planted):
    view = tmp_path / "reports" / "views.py"
    view.parent.mkdir()
    view.write_text(f"def download(request):\n    {planted}\n", encoding="utf-8")
    assert _offenders(tmp_path, [view]) == ["reports/views.py"]
