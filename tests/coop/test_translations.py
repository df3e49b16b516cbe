"""The Japanese catalogue is complete: regenerating it from the source adds nothing untranslated."""

import shutil
import subprocess
import sys
from pathlib import Path

from ..project import APPS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*APPS, "templates", "locale", "manage.py"]


def test_japanese_catalogue_is_complete_and_compiles(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    po = tmp_path / "locale/ja/LC_MESSAGES/django.po"
    untranslated = subprocess.run(["msgattrib", "--untranslated", str(po)], capture_output=True, text=True)
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(po)], capture_output=True, text=True)
    assert untranslated.stdout.count("msgid") == 0, "untranslated:\n" + untranslated.stdout
    assert fuzzy.stdout.count("msgid") == 0, "fuzzy:\n" + fuzzy.stdout
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
