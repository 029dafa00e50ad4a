"""`shiplint rules --format json`: every rule says the kind of file it checks beside its target.

Targets grew past "dockerfile" and "compose" (stage, instruction, service, ...); integrations
that group rules by file kind read ``kind`` instead.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

DOCKERFILE_TARGETS = {"dockerfile", "stage", "instruction", "run-command"}
COMPOSE_TARGETS = {"compose", "service", "build-link"}


@pytest.mark.skipif(shutil.which("shiplint") is None, reason="the installed command is needed")
def test_every_rule_names_its_kind_of_file() -> None:
    out = subprocess.run(
        ["shiplint", "rules", "--format", "json"], capture_output=True, text=True, check=True
    ).stdout
    rules = json.loads(out)
    for rule in rules:
        want = "compose" if rule["code"].startswith("DC") else "dockerfile"
        assert rule["kind"] == want, rule["code"]
        targets = COMPOSE_TARGETS if want == "compose" else DOCKERFILE_TARGETS
        assert rule["target"] in targets, rule["code"]
    assert {rule["target"] for rule in rules} == DOCKERFILE_TARGETS | COMPOSE_TARGETS
