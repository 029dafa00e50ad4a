"""Every snapshot of ``shiplint graph`` goes through the real renderers: Graphviz ``dot``
(no warnings allowed) and Mermaid's own CLI ``mmdc`` (a parse error fails the render).

Set-up (``.ci/run`` does it): ``apt-get install graphviz chromium`` and
``PUPPETEER_SKIP_DOWNLOAD=1 npm install @mermaid-js/mermaid-cli``, with ``mmdc`` on PATH (or
its path in ``SHIPLINT_MMDC``). Locally a missing tool skips these tests; under CI (``CI`` set)
it fails them, so they can never be skipped there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

GRAPHS = Path(__file__).resolve().parent / "golden" / "graph"
CHROMIUM = os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")


def _tool(name: str, found: str | None) -> str:
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: CI must run the renderer tests (.ci/run)")
        pytest.skip(f"{name} is not installed (CI installs it)")
    return found


def test_snapshots_exist() -> None:
    assert len(sorted(GRAPHS.glob("*.dot"))) >= 4
    assert len(sorted(GRAPHS.glob("*.mmd"))) >= 4


@pytest.mark.parametrize("name", sorted(p.stem for p in GRAPHS.glob("*.dot")))
def test_dot_renders_without_warnings(name: str) -> None:
    dot = _tool("graphviz (dot)", shutil.which("dot"))
    done = subprocess.run(
        [dot, "-Tsvg", str(GRAPHS / f"{name}.dot")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "<svg" in done.stdout


def test_mermaid_renders_with_mermaid_cli(tmp_path: Path) -> None:
    """One mmdc call for all diagrams (a Markdown file of them): a browser start each
    would cost seconds per diagram."""
    mmdc = _tool("mermaid-cli (mmdc)", os.environ.get("SHIPLINT_MMDC") or shutil.which("mmdc"))
    _tool("chromium", CHROMIUM if Path(CHROMIUM).exists() else None)
    diagrams = sorted(GRAPHS.glob("*.mmd"))
    markdown = "\n".join(
        f"## {path.stem}\n\n```mermaid\n{path.read_text(encoding='utf-8')}```\n"
        for path in diagrams
    )
    (tmp_path / "all.md").write_text(markdown, encoding="utf-8")
    (tmp_path / "puppeteer.json").write_text(
        json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox"]}), encoding="utf-8"
    )
    done = subprocess.run(
        [mmdc, "-p", "puppeteer.json", "-i", "all.md", "-o", "out.svg", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for index, path in enumerate(diagrams, 1):
        svg = (tmp_path / f"out-{index}.svg").read_text(encoding="utf-8")
        assert "Syntax error" not in svg, path.name
        assert "<svg" in svg and "flowchart" in svg, path.name
