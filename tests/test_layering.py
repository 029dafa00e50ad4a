"""DESIGN's layering, enforced on the source: who may import whom.

Front ends know nothing of rules, reporters or the CLI; rules see the syntax trees,
diagnostics and helpers only; reporters see diagnostics and rule metadata only; the engine
never imports the built-in rules (they come through the entry point). Indirect imports count.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    found = {}
    for folder, package in ((ROOT / "linter", "linter"), (ROOT / "rules", "linter.rules")):
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def direct_imports(module: str) -> frozenset[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node, path.name == "__init__.py")
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return frozenset(name for name in found if name in MODULES)


def reachable(module: str) -> set[str]:
    seen: set[str] = set()
    stack = [module]
    while stack:
        current = stack.pop()
        for target in direct_imports(current):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _in(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


CONTRACTS = [
    (
        ("linter.dockerfile", "linter.compose"),
        (
            "linter.rules",
            "linter.reporters",
            "linter.engine",
            "linter.cli",
            "linter.registry",
            "linter.config",
            "linter.fixes",
            "linter.lsp",
            "linter.suppressions",
            "linter.project",
        ),
    ),
    (
        ("linter.rules",),
        (
            "linter.engine",
            "linter.cli",
            "linter.reporters",
            "linter.registry",
            "linter.config",
            "linter.fixes",
            "linter.lsp",
            "linter.project",
            "linter.suppressions",
            "linter.baseline",
        ),
    ),
    (
        ("linter.reporters",),
        (
            "linter.engine",
            "linter.cli",
            "linter.dockerfile",
            "linter.compose",
            "linter.rules",
            "linter.registry",
            "linter.config",
            "linter.project",
            "linter.lsp",
        ),
    ),
    (("linter.engine", "linter.cli", "linter.registry", "linter.lsp"), ("linter.rules",)),
    # pictures read the engine's results, never the rules, the reporters or the CLI
    (("linter.graph",), ("linter.rules", "linter.reporters", "linter.cli", "linter.lsp")),
    # The language server builds its settings with linter.settings, not the command line's.
    (("linter.lsp", "linter.settings"), ("linter.cli",)),
    # Finding and reading the files (and the build links between them) is below the engine:
    # the engine, the language server and tests call them; they know no rule and no run.
    (
        ("linter.project", "linter.loading"),
        (
            "linter.engine",
            "linter.rules",
            "linter.registry",
            "linter.reporters",
            "linter.cli",
            "linter.lsp",
            "linter.fixes",
            "linter.suppressions",
            "linter.config",
            "linter.settings",
        ),
    ),
]


@pytest.mark.parametrize(("sources", "forbidden"), CONTRACTS, ids=lambda v: v[0])
def test_layering(sources: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    violations = []
    for module in MODULES:
        if not _in(module, sources):
            continue
        for target in sorted(reachable(module)):
            # the package root only re-exports the plugin API
            if _in(target, forbidden) and target != "linter":
                violations.append(f"{module} -> {target}")
    assert violations == []


def test_the_walker_sees_imports() -> None:
    assert "linter" in direct_imports("linter.rules.input_errors")
    assert "linter.rule" in reachable("linter.rules.input_errors")
    assert "linter.registry" in reachable("linter.cli")
    assert "linter.engine" not in reachable("linter.dockerfile.parser")
