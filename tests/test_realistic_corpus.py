"""The realistic corpus (``fixtures/realistic/``), checked once for every rule.

Each folder is a project written the way real ones are (Dockerfiles in the official images'
style, multi-stage builds, compose stacks with proxies, databases and monitoring). Instead of
copying such files into every rule's fixture as a pass case, they live here once: the rules
on by default, and the opt-in rules a project names under ``opt_in``, must report exactly the
findings ``fixtures/realistic/expected.yaml`` lists for it, each with why it is right.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from lintrun import lint_json

from linter.registry import default_registry

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "realistic"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (CORPUS / "expected.yaml").read_text(encoding="utf-8")
)
PROJECTS = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
RULES = default_registry().sorted_rules()
ON_BY_DEFAULT = frozenset(rule.code for rule in RULES if rule.enabled_by_default)


def test_every_project_has_its_expectations() -> None:
    assert sorted(EXPECTED) == PROJECTS


@pytest.mark.parametrize("project", PROJECTS)
def test_expectations_are_explained(project: str) -> None:
    entry = EXPECTED[project]
    opt_in = set(entry.get("opt_in", []))
    assert not opt_in & ON_BY_DEFAULT, "opt_in names rules that are off by default"
    assert opt_in <= {rule.code for rule in RULES}, "opt_in names an unknown rule"
    for finding in entry["findings"]:
        assert len(str(finding.get("why", "")).split()) >= 5, f"say why: {finding}"


@pytest.mark.parametrize("project", PROJECTS)
def test_project_draws_exactly_the_listed_findings(tmp_path: Path, project: str) -> None:
    shutil.copytree(CORPUS / project, tmp_path, dirs_exist_ok=True)
    (tmp_path / ".shiplint.yaml").write_text("{}\n", encoding="utf-8")  # as the fixture harness
    entry = EXPECTED[project]
    checked = ON_BY_DEFAULT | set(entry.get("opt_in", []))
    found = lint_json(tmp_path, ["--select", "ALL"])
    got = sorted(
        (d["code"], d["path"], d["line"], d["column"]) for d in found if d["code"] in checked
    )
    want = sorted((f["code"], f["path"], f["line"], f["column"]) for f in entry["findings"])
    assert got == want, [
        (d["code"], d["line"], d["message"]) for d in found if d["code"] in checked
    ]
