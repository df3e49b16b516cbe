"""A test that expects a refusal checks which one.

`pytest.raises(ValidationError)` alone passes on any refusal, including one the test did not
mean (a missing fixture, a wrong role, another rule firing first). Every such block must
either give `match=` or bind the result (`as refused`) and read it afterwards, e.g.
`assert refused.value.messages == ["…"]`. The same holds for `pytest.raises(Exception)`.
"""

import ast
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _is_raises(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr == "raises" and isinstance(func.value, ast.Name) and func.value.id == "pytest"
    return isinstance(func, ast.Name) and func.id == "raises"


BROAD = {"ValidationError", "Exception", "BaseException"}


def _names_a_broad_exception(node):
    """Whether the expected exception is one that says nothing by its type alone."""
    if isinstance(node, ast.Tuple):
        return any(_names_a_broad_exception(element) for element in node.elts)
    if isinstance(node, ast.Attribute):
        return node.attr in BROAD
    return isinstance(node, ast.Name) and node.id in BROAD


def _refusal_call(node):
    """A `pytest.raises(ValidationError …)` (or `Exception`) call without `match=`."""
    return (
        isinstance(node, ast.Call)
        and _is_raises(node)
        and node.args
        and _names_a_broad_exception(node.args[0])
        and not any(keyword.arg == "match" for keyword in node.keywords)
    )


def _bindings(scope):
    """(line, name) of every assignment to a plain name in the function, to tell which binding a use reads."""
    found = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            found.append((node.optional_vars.lineno, node.optional_vars.id))
    return found


def _read_after(scope, name, block):
    """Whether `name` is read after the `with` block ends and before it is bound again."""
    later = [line for line, bound in _bindings(scope) if bound == name and line > block.lineno]
    until = min(later, default=float("inf"))
    return any(
        isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and node.id == name
        and block.end_lineno < node.lineno <= until
        for node in ast.walk(scope)
    )


def unchecked_refusals(source, filename="<test>"):
    """Lines of `pytest.raises(ValidationError)` whose result is never checked."""
    tree = ast.parse(source, filename)
    scopes = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    problems, seen = [], set()
    for scope in scopes:
        for node in ast.walk(scope):
            if isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if not _refusal_call(item.context_expr) or id(item.context_expr) in seen:
                        continue
                    seen.add(id(item.context_expr))
                    name = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
                    if name is None or not _read_after(scope, name, node):
                        problems.append(item.context_expr.lineno)
    # The call form, `pytest.raises(ValidationError, f, …)`, or a raises outside any `with`.
    for node in ast.walk(tree):
        if _refusal_call(node) and id(node) not in seen:
            problems.append(node.lineno)
    return sorted(problems)


def test_every_expected_refusal_is_checked():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        for line in unchecked_refusals(path.read_text(encoding="utf-8"), str(path)):
            offenders.append(f"{path.relative_to(TESTS.parent)}:{line}")
    assert offenders == [], (
        "pytest.raises(ValidationError) without match= and without reading the result "
        "(`as refused` then `assert refused.value.messages == [...]`):\n" + "\n".join(offenders)
    )


# --- The checker itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        # bare
        """
        with pytest.raises(ValidationError):
            save()
        """,
        # bound but never read
        """
        with pytest.raises(ValidationError) as refused:
            save()
        """,
        # read only for the first of two blocks that reuse the name
        """
        with pytest.raises(ValidationError) as refused:
            save()
        assert refused.value.messages == ["x"]
        with pytest.raises(ValidationError) as refused:
            save()
        """,
        # next to another context manager, under a module alias
        """
        with scopes_disabled(), pytest.raises(services.ValidationError):
            save()
        """,
        # the call form
        """
        pytest.raises(ValidationError, save)
        """,
        # any exception at all
        """
        with pytest.raises(Exception):
            save()
        """,
    ],
    ids=["bare", "never-read", "second-unread", "alias", "call-form", "exception"],
)
def test_the_checker_finds_an_unchecked_refusal(body):
    source = "def test_x():\n" + textwrap.indent(textwrap.dedent(body), "    ")
    assert unchecked_refusals(source) != []


@pytest.mark.parametrize(
    "body",
    [
        """
        with pytest.raises(ValidationError) as refused:
            save()
        assert refused.value.messages == ["x"]
        """,
        """
        with pytest.raises(ValidationError, match="x"):
            save()
        """,
        """
        for case in cases:
            with pytest.raises(ValidationError) as refused:
                save(case)
            assert refused.value.message_dict == {"f": ["x"]}
        """,
        # other exceptions are not this rule's business
        """
        with pytest.raises(ImportExpired):
            save()
        """,
    ],
    ids=["read", "match", "in-a-loop", "other-exception"],
)
def test_the_checker_accepts_a_checked_refusal(body):
    source = "def test_x():\n" + textwrap.indent(textwrap.dedent(body), "    ")
    assert unchecked_refusals(source) == []
