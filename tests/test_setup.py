"""The README's two set-up commands, and .ci/run doing exactly the first of them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```console\n(.*?)```", section, re.DOTALL)]


def test_readme_setup_is_two_commands_in_a_virtual_environment() -> None:
    first, second = setup_commands()
    assert "\n" not in first, "the first command is one line a user pastes"
    steps = [step.strip() for step in first.split("&&")]
    assert steps[:2] == ["python3 -m venv .venv", ". .venv/bin/activate"]
    assert steps[2].startswith("pip install -e '.[test")
    assert steps[-1] == "shiplint check examples/"
    assert second == "pytest"


def test_ci_runs_the_readme_setup_command_exactly() -> None:
    first, second = setup_commands()
    lines = CI_RUN.splitlines()
    assert first in lines, ".ci/run must run the README's set-up command as written"
    assert second in lines
    assert lines.index(first) < lines.index(second)


def test_ci_script_is_valid_bash() -> None:
    done = subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
