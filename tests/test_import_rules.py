"""An import inside a function says why it is not at the top of its module (a cycle it breaks,
or a heavy library loaded only where it is used): hidden cycles stay visible."""

import ast
from pathlib import Path

from .project import APPS

ROOT = Path(__file__).resolve().parents[1]


def _unexplained(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    line = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2].strip() if inner.lineno > 1 else ""
                    if "#" not in line and not above.startswith("#"):
                        found.append(inner.lineno)
    return found


def test_every_import_inside_a_function_says_why():
    files = [p for app in APPS for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    # AppConfig.ready() registers signals and plugs: Django requires those imports inside it.
    offenders = {str(p.relative_to(ROOT)): lines for p in files if p.name != "apps.py" and (lines := _unexplained(p))}
    assert offenders == {}


def test_the_rule_catches_an_unexplained_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from .tasks import t\n\n\ndef g():\n    import os  # why\n", encoding="utf-8")
    assert _unexplained(module) == [2]
