"""Third-party rule packs: discovery through the entry point, and clear errors when broken.

The example package is installed the way an installer does it (its module plus a
``.dist-info`` with ``entry_points.txt``) into a folder put on PYTHONPATH, and shiplint runs
in a subprocess, as a user's would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parent / "plugin_example" / "shiplint_example"


def _install(site: Path, name: str, module_source: Path | str, entry: str) -> None:
    """Install a one-module plugin into ``site`` with its entry point metadata."""
    package = site / name
    if isinstance(module_source, Path):
        shutil.copytree(module_source, package)
    else:
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(module_source, encoding="utf-8")
    dist = site / f"{name}-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(f"[shiplint]\n{entry} = {name}\n", encoding="utf-8")


def _shiplint(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(site))
    return subprocess.run(
        [sys.executable, "-m", "linter", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_example_plugin_rule_is_listed_and_runs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _install(site, "shiplint_example", EXAMPLE, "shiplint_example")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".shiplint.toml").write_text("", encoding="utf-8")
    (work / "Dockerfile").write_text('FROM alpine:3.20\nCMD ["sh"]\n', encoding="utf-8")
    listed = _shiplint(site, work, "rules", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert "DF990" in {rule["code"] for rule in json.loads(listed.stdout)}
    checked = _shiplint(site, work, "check", "--format", "json", "--select", "DF990")
    assert checked.returncode == 1, checked.stderr
    assert [f["code"] for f in json.loads(checked.stdout)] == ["DF990"]


def test_broken_plugin_is_a_clear_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _install(site, "shiplint_broken", "raise RuntimeError('boom at import')\n", "broken")
    done = _shiplint(site, tmp_path, "check", ".")
    assert done.returncode == 2
    assert "broken" in done.stderr and "boom at import" in done.stderr
    assert "Traceback" not in done.stderr


def test_duplicate_code_is_a_clear_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    source = (
        (EXAMPLE / "__init__.py")
        .read_text(encoding="utf-8")
        .replace('code = "DF990"', 'code = "DF001"')
    )
    _install(site, "shiplint_dupe", source, "dupe")
    done = _shiplint(site, tmp_path, "rules")
    assert done.returncode == 2
    assert "DF001" in done.stderr and "dupe" in done.stderr


def test_crashing_rule_becomes_internal_error_and_run_goes_on(tmp_path: Path) -> None:
    site = tmp_path / "site"
    source = (
        (EXAMPLE / "__init__.py")
        .read_text(encoding="utf-8")
        .replace(
            "        stages = context.dockerfile.stages\n",
            "        if 'crash' in context.path:\n            raise ValueError('kaput')\n"
            "        stages = context.dockerfile.stages\n",
        )
    )
    _install(site, "shiplint_crashy", source, "crashy")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".shiplint.toml").write_text("", encoding="utf-8")
    (work / "crash.Dockerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    (work / "fine.Dockerfile").write_text("FROM alpine:3.20\n", encoding="utf-8")
    done = _shiplint(site, work, "check", "--format", "json", "--select", "DF990")
    assert done.returncode == 2, done.stderr
    findings = json.loads(done.stdout)
    by_path = {(f["path"], f["code"]) for f in findings}
    assert ("crash.Dockerfile", "DF000") in by_path
    assert ("fine.Dockerfile", "DF990") in by_path
    assert "kaput" in next(f["message"] for f in findings if f["code"] == "DF000")
