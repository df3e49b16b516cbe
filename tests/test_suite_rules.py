"""Rules the suite keeps about itself, checked on its source.

Tests choose their date: a test that reads the machine's clock (directly, or through a helper
that does) runs under time-machine (`at(...)` from tests/clock.py, `pytest.mark.time_machine`,
`time_machine.travel`, or the `travel`/`time_machine` fixture), else its expectation changes
with the calendar (it did: the compliance test was red on every 28th-31st).
"""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# (object, attribute) pairs that read the clock: timezone.now, datetime.datetime.now, date.today...
CLOCK_ATTRIBUTES = {
    ("timezone", "now"),
    ("timezone", "localdate"),
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
}
# timezone.localtime(value) converts an instant; without a value it reads the clock.
CLOCK_WITHOUT_ARGUMENTS = {("timezone", "localtime")}
# The product's own clock (coop/clock.py).
CLOCK_FUNCTIONS = {"tenant_today", "tenant_now"}

# Files that may read the clock unfrozen, and why.
ALLOWED = {
    "test_suite_rules.py": "names the clock calls it looks for",
}
ALLOWED_FOLDERS = {
    # Not tests: the URL cases of the matrix, which reads them at the date it chooses
    # (tests/test_permissions.py's pytestmark).
    "permission_cases": "cases built inside tests/test_permissions.py, which freezes the clock",
}


def _freezes(node):
    """Whether a decorator, `with` item or marker expression sets the clock."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "at":
            return True
        if isinstance(sub, ast.Attribute) and sub.attr in ("time_machine", "travel"):
            return True
        if isinstance(sub, ast.Name) and sub.id == "time_machine":
            return True
    return False


def _reads_clock(node, helpers, imported):
    if isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
        owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
        return (owner, node.attr) in CLOCK_ATTRIBUTES
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args and not node.keywords:
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        return (name, node.func.attr) in CLOCK_WITHOUT_ARGUMENTS
    if isinstance(node, ast.Name):
        return node.id in CLOCK_FUNCTIONS or (node.id in helpers and node.id in imported)
    return False


class _Scan(ast.NodeVisitor):
    """Line numbers of clock reads outside a frozen context; top-level names that read the clock."""

    def __init__(self, helpers, imported, module_frozen):
        self.helpers, self.imported = helpers, imported
        self.frozen = [module_frozen]
        self.top = []
        self.unfrozen, self.readers = [], set()

    def _enter(self, node, frozen):
        self.frozen.append(self.frozen[-1] or frozen)
        self.top.append(node.name)
        self.generic_visit(node)
        self.top.pop()
        self.frozen.pop()

    def visit_FunctionDef(self, node):
        params = {a.arg for a in node.args.args + node.args.kwonlyargs}
        frozen = any(_freezes(d) for d in node.decorator_list) or bool(params & {"travel", "time_machine"})
        self._enter(node, frozen)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        marked = any(
            isinstance(s, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in s.targets) and _freezes(s)
            for s in node.body
        )
        self._enter(node, marked or any(_freezes(d) for d in node.decorator_list))

    def visit_With(self, node):
        frozen = any(_freezes(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        self.frozen.append(self.frozen[-1] or frozen)
        for statement in node.body:
            self.visit(statement)
        self.frozen.pop()

    def generic_visit(self, node):
        if _reads_clock(node, self.helpers, self.imported):
            if self.top:
                self.readers.add(self.top[0])
            if not self.frozen[-1]:
                self.unfrozen.append(node.lineno)
        super().generic_visit(node)


def _imported_names(tree):
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def _module_frozen(tree):
    return any(
        isinstance(node, ast.Assign)
        and any(getattr(t, "id", "") == "pytestmark" for t in node.targets)
        and _freezes(node)
        for node in tree.body
    )


def clock_reads_outside_time_machine(files):
    """{path: [line, ...]} of clock reads that no time-machine context covers, in `files`
    ({path: source}). Helpers (modules other than test_*.py) may read the clock: the tests that
    use them are then held to the rule."""
    trees = {path: ast.parse(source) for path, source in files.items()}
    helpers = set()
    while True:  # helpers calling helpers: until nothing new is found
        found = set(helpers)
        for path, tree in trees.items():
            if not Path(path).name.startswith("test_"):
                scan = _Scan(helpers, _imported_names(tree) | helpers, module_frozen=False)
                scan.visit(tree)
                found |= scan.readers
        if found == helpers:
            break
        helpers = found
    problems = {}
    for path, tree in trees.items():
        if not Path(path).name.startswith("test_"):
            continue
        scan = _Scan(helpers, _imported_names(tree), module_frozen=_module_frozen(tree))
        scan.visit(tree)
        if scan.unfrozen:
            problems[path] = sorted(set(scan.unfrozen))
    return problems


def _suite_files():
    files = {}
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS)
        if "vendor" in relative.parts or relative.name in ALLOWED or relative.parts[0] in ALLOWED_FOLDERS:
            continue
        files[str(relative)] = path.read_text(encoding="utf-8")
    return files


def test_no_test_reads_the_real_clock():
    problems = clock_reads_outside_time_machine(_suite_files())
    assert problems == {}, (
        "These tests read the machine's clock: choose the date with `@at(...)` (tests/clock.py) "
        f"or the `travel` fixture. {problems}"
    )


PLANTED_HELPER = """
from django.utils import timezone

def make_thing():
    return timezone.localdate()
"""


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("import datetime\n\ndef test_x():\n    assert datetime.date.today()\n", [4]),
        ("import datetime\n\ndef test_x():\n    assert datetime.datetime.now()\n", [4]),
        ("from django.utils import timezone\n\ndef test_x():\n    assert timezone.now()\n", [4]),
        ("from django.utils import timezone\n\ndef test_x():\n    assert timezone.localtime()\n", [4]),
        ("import factory\nfrom django.utils import timezone\n\nday = factory.LazyFunction(timezone.localdate)\n", [4]),
        ("from coop.clock import tenant_today\n\ndef test_x():\n    assert tenant_today()\n", [4]),
        ("from .helpers import make_thing\n\ndef test_x():\n    make_thing()\n", [4]),
        (
            "import pytest\n\n@pytest.fixture\ndef today():\n"
            "    from django.utils import timezone\n    return timezone.now()\n",
            [6],
        ),
        # frozen: nothing to report
        ("from django.utils import timezone\n\ndef test_x():\n    assert timezone.localtime(value)\n", []),
        (
            "from django.utils import timezone\nfrom .clock import at\n\n"
            "@at(2026, 11, 30)\ndef test_x():\n    timezone.now()\n",
            [],
        ),
        (
            "import pytest\nfrom .helpers import make_thing\npytestmark = [pytest.mark.time_machine(0)]\n\n"
            "def test_x():\n    make_thing()\n",
            [],
        ),
        (
            "import time_machine\nfrom django.utils import timezone\n\n"
            "def test_x():\n    with time_machine.travel(0):\n        timezone.now()\n",
            [],
        ),
        ("from django.utils import timezone\n\ndef test_x(travel):\n    timezone.now()\n", []),
    ],
)
def test_the_clock_rule_finds_planted_reads(source, lines):
    problems = clock_reads_outside_time_machine({"helpers.py": PLANTED_HELPER, "test_planted.py": source})
    assert problems.get("test_planted.py", []) == lines
