"""The codes the engine makes itself have one home, linter.builtin_codes, named by role."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from linter.builtin_codes import (
    INTERNAL_ERROR,
    UNREADABLE,
    UNUSED_SUPPRESSION,
    Role,
    about_the_input,
    code_for,
    role_of,
)
from linter.diagnostics import Diagnostic, Severity, Span
from linter.fixes import damage
from linter.registry import default_registry

ROOT = Path(__file__).resolve().parent.parent
ROLES: tuple[Role, ...] = (INTERNAL_ERROR, UNREADABLE, UNUSED_SUPPRESSION)
KINDS = ("dockerfile", "compose")


def test_each_kind_has_a_code_per_role_and_back() -> None:
    codes = {(kind, role): code_for(kind, role) for kind in KINDS for role in ROLES}
    assert codes == {
        ("dockerfile", INTERNAL_ERROR): "DF000",
        ("dockerfile", UNREADABLE): "DF001",
        ("dockerfile", UNUSED_SUPPRESSION): "DF099",
        ("compose", INTERNAL_ERROR): "DC000",
        ("compose", UNREADABLE): "DC001",
        ("compose", UNUSED_SUPPRESSION): "DC099",
    }
    assert all(role_of(code) == role for (_, role), code in codes.items())
    assert role_of("DF002") is None and role_of("DC301") is None
    with pytest.raises(KeyError):
        code_for("kubernetes", INTERNAL_ERROR)


def test_the_registered_rules_carry_the_built_in_codes() -> None:
    registry = default_registry()
    registry.ensure()
    for kind in KINDS:
        for role in ROLES:
            rule = registry.rules[code_for(kind, role)]
            assert rule.target.value == kind
            assert type(rule).__module__ == "linter.rules.input_errors"


def test_the_input_range() -> None:
    assert about_the_input("DF000") and about_the_input("DC006") and about_the_input("DF099")
    assert not about_the_input("DF100") and not about_the_input("DC301")
    assert about_the_input("DC002", "compose") and not about_the_input("DF002", "compose")
    assert about_the_input("DF011", "dockerfile") and not about_the_input("DF101", "dockerfile")


def _finding(code: str) -> Diagnostic:
    return Diagnostic("Dockerfile", code, "x", "m", Severity.ERROR, Span.of(1, 1, 1, 1))


def test_a_fix_may_leave_a_suppression_unused_but_not_break_the_file() -> None:
    found = [_finding(code) for code in ("DF000", "DF002", "DC099", "DF099", "DF101", "DC006")]
    assert damage(found) == 3


_BUILT_IN = {code_for(kind, role) for kind in KINDS for role in ROLES}
_PREFIX_RANGE = re.compile(r"^D[FC]0$")


def _literal_codes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (node.value in _BUILT_IN or _PREFIX_RANGE.match(node.value))
    ]


def test_no_module_but_builtin_codes_writes_them() -> None:
    """The engine, the fixer and the rule classes name the codes by role (docstrings and
    messages may still mention them: only whole-string literals count)."""
    found = [
        hit
        for folder in ("linter", "rules")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != ROOT / "linter" / "builtin_codes.py"
        for hit in _literal_codes(path)
    ]
    assert found == []


def test_the_scan_sees_a_literal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""DF000 in a docstring."""\nCODE = "DC099"\nPREFIX = "DF0"\n')
    assert _literal_codes(sample) == ["sample.py:2: 'DC099'", "sample.py:3: 'DF0'"]


def test_builtin_codes_imports_nothing_of_shiplint() -> None:
    probe = (
        "import sys, linter.builtin_codes\n"
        "print(sorted(m for m in sys.modules if m.startswith('linter')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["['linter',", "'linter.builtin_codes']"]
