"""DF401's severity by what the image is: running a service as root is a warning, a tool
that runs as root is info. Checked through the installed command."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


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
