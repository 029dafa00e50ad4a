"""Helpers for tests: run the CLI in-process in a folder of files written from a dict."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from linter.cli import main


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def run_cli(folder: Path, args: Sequence[str], stdin: str | None = None) -> tuple[int, str, str]:
    """Run ``shiplint`` with ``folder`` as the working directory; return (code, out, err)."""
    old = os.getcwd()
    out, err = io.StringIO(), io.StringIO()
    old_stdin = None
    try:
        os.chdir(folder)
        if stdin is not None:
            import sys

            old_stdin = sys.stdin
            sys.stdin = io.StringIO(stdin)
        code = main(list(args), stdout=out, stderr=err)
    finally:
        os.chdir(old)
        if old_stdin is not None:
            import sys

            sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def lint_json(folder: Path, args: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Findings as dicts (the json format) for a run in ``folder``."""
    code, out, err = run_cli(folder, ["check", "--format", "json", "--jobs", "1", *args])
    assert code in (0, 1), f"exit {code}: {err}"
    data: list[dict[str, Any]] = json.loads(out) if out.strip() else []
    return data
