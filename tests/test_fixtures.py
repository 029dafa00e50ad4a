"""One parametrized test over every rule's fixture cases (fixtures/<CODE>.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from lintrun import lint_json, run_cli, write_files

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _cases() -> list[Any]:
    params = []
    for fixture in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
        for index, case in enumerate(data.get("cases", [])):
            case_id = f"{data['rule']}-{index}-{case.get('name', '')}"
            params.append(pytest.param(data["rule"], case, id=case_id))
    return params


def _prepare(tmp_path: Path, case: dict[str, Any]) -> list[str]:
    files = case["files"]
    write_files(tmp_path, files)
    if "config" in case:
        (tmp_path / ".shiplint.yaml").write_text(yaml.safe_dump(case["config"]), encoding="utf-8")
    else:
        (tmp_path / ".shiplint.yaml").write_text("{}\n", encoding="utf-8")
    return [str(a) for a in case.get("args", [])]


def _primary(case: dict[str, Any]) -> str:
    return str(next(iter(case["files"])))


@pytest.mark.parametrize(("code", "case"), _cases())
def test_fixture_case(tmp_path: Path, code: str, case: dict[str, Any]) -> None:
    args = _prepare(tmp_path, case)
    found = [d for d in lint_json(tmp_path, ["--select", code, *args]) if d["code"] == code]
    expected = case.get("expect") or []
    primary = _primary(case)
    got = sorted((d["path"], d["line"], d["column"]) for d in found)
    want = sorted((e.get("path", primary), e["line"], e["column"]) for e in expected)
    assert got == want, f"findings: {[(d['line'], d['column'], d['message']) for d in found]}"
    for expectation in expected:
        match = next(
            d
            for d in found
            if (d["path"], d["line"], d["column"])
            == (expectation.get("path", primary), expectation["line"], expectation["column"])
        )
        for key in ("end_line", "end_column", "severity"):
            if key in expectation:
                assert match[key] == expectation[key], f"{key} of {match}"
        if "message_contains" in expectation:
            assert expectation["message_contains"] in match["message"]
    safe_args = ["check", "--fix", "--select", code, "--quiet", *args]
    fix_args = [*safe_args, "--unsafe-fixes"] if case.get("unsafe") else safe_args
    if "fixed" in case:
        if fix_args is not safe_args:  # an unsafe fix is not applied by --fix alone
            run_cli(tmp_path, safe_args)
            for name, text in case["files"].items():
                assert (tmp_path / name).read_text(encoding="utf-8") == text, "applied as safe"
        run_cli(tmp_path, fix_args)
        for name, text in case["fixed"].items():
            assert (tmp_path / name).read_text(encoding="utf-8") == text
        run_cli(tmp_path, fix_args)  # fixing again changes nothing
        for name, text in case["fixed"].items():
            assert (tmp_path / name).read_text(encoding="utf-8") == text, "fix not idempotent"
    elif expected:
        # A failing case without `fixed` says no fix applies at its level (safe, or unsafe
        # with `unsafe: true`): its files come out of the fixer as they went in.
        run_cli(tmp_path, fix_args)
        for name, text in case["files"].items():
            got = (tmp_path / name).read_text(encoding="utf-8")
            assert got == text, f"a fix changed {name}: give the case its `fixed` text"
