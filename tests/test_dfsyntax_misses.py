"""Issue 9's Dockerfile misses, checked through the installed command and the language server's
entry point (``engine.lint_source``)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from linter import engine


def _run(tmp_path: Path, text: str, *args: str) -> list[dict[str, object]]:
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["shiplint", "check", "--no-config", "--format", "json", *args, "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


SERVICE = (
    "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\n"
    'CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'
)
TOOL = 'FROM alpine:3.20\nRUN apk add --no-cache jq\nENTRYPOINT ["jq"]\n'


def test_root_service_is_a_warning_and_a_root_tool_info(tmp_path: Path) -> None:
    service = [d for d in _run(tmp_path, SERVICE, "--select", "DF401")]
    assert [(d["line"], d["severity"]) for d in service] == [(1, "warning")]
    tool = [d for d in _run(tmp_path, TOOL, "--select", "DF401")]
    assert [(d["line"], d["severity"]) for d in tool] == [(1, "info")]
    fixed = SERVICE.replace("EXPOSE 8000\n", "EXPOSE 8000\nUSER 10001\n")
    assert _run(tmp_path, fixed, "--select", "DF401") == []


def test_language_server_path_reports_flags_and_skips_the_instruction(tmp_path: Path) -> None:
    text = (
        "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\n"
        "COPY --from build /out/app /usr/local/bin/app\nUSER 65534\n"
        'ENTRYPOINT ["/usr/local/bin/app"]\n'
    )
    settings = engine.Settings(cwd=str(tmp_path), config_root=str(tmp_path))
    result = engine.lint_source(text, str(tmp_path / "Dockerfile"), settings, kind="dockerfile")
    on_line_4 = sorted(d.code for d in result.diagnostics if d.span.start.line == 4)
    assert on_line_4 == ["DF011"]


def test_moving_tags_in_compose(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:mainline-alpine\n"
        "  db:\n    image: postgres:16-bookworm\n    volumes: [db:/var/lib/postgresql/data]\n"
        "volumes:\n  db: {}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            "shiplint",
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "DC500",
            "compose.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found = json.loads(done.stdout)
    assert [(d["line"], d["code"]) for d in found] == [(3, "DC500")]
