"""Packaging: the wheel's only top-level package is `linter`, and the shipped hooks call the
CLI with options it accepts."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from linter.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_has_only_the_linter_package(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("shiplint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("shiplint-")}
    assert top_level == {"linter"}
    assert "linter/rules/__init__.py" in names and "linter/py.typed" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[shiplint]" in text and "linter.rules" in text
    assert "shiplint = linter.launch:entry" in text


def test_hooks_use_valid_options() -> None:
    """(The action's command lines are checked in test_action.py.)"""
    parser = build_parser()
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"shiplint", "shiplint-fix"}
    for hook in hooks:
        parser.parse_args([*hook["entry"].split()[1:], "Dockerfile"])
