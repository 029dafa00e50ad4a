"""Run one compose rule as the engine dispatches it, without the engine's loading or the CLI.

A test then states exactly which findings one rule makes on one small project; the fixture
files cover the same rules end to end through the CLI.
"""

from __future__ import annotations

import os
from pathlib import Path

from linter import ComposeContext, Diagnostic, Rule, Span
from linter.compose.nodes import ScalarNode
from linter.compose.project import load_project
from linter.dispatch import check_rule
from linter.loading import build_links, load_compose

# A scalar for readers that take a node only to say where a value is written.
NODE = ScalarNode("compose.yaml", Span.of(1, 1, 1, 2), "x", "x", "plain", "tag:yaml.org,2002:str")


def check_text(rule: type[Rule], text: str, tmp_path: Path) -> list[Diagnostic]:
    """Findings of ``rule`` on ``text`` as ``compose.yaml`` (no schema check, no build links)."""
    path = tmp_path / "compose.yaml"
    path.write_text(text, encoding="utf-8")
    project = load_project(path.as_posix(), text=text, override_paths=[], validate=False)
    return check_rule(rule(), ComposeContext(project=project))


def check_files(rule: type[Rule], tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    """Findings of ``rule`` on ``files`` written in ``tmp_path`` and loaded the way the engine
    loads them, with the build links to their Dockerfiles."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        project = load_compose(Path("compose.yaml"), "compose.yaml", None)
        context = ComposeContext(project=project, builds=tuple(build_links(project, {})))
        return check_rule(rule(), context)
    finally:
        os.chdir(old)


def lines(found: list[Diagnostic]) -> list[tuple[int, int]]:
    """Where the findings start, sorted: (line, column)."""
    return sorted((d.span.start.line, d.span.start.column) for d in found)
