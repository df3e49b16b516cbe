"""The project's own apps, for the rule tests that read every app's source: one list, the
import-linter's root packages in pyproject.toml (a new app is added there once)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = tuple(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"])
