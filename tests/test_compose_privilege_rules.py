"""The compose privilege rules (``rules/dc_privileges.py``)."""

from __future__ import annotations

from pathlib import Path

from compose_rule_run import check_files
from linter.rules import dc_privileges


def test_confinement_last_entry_wins(tmp_path: Path) -> None:
    compose = (
        "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n"
        "      - seccomp:./profile.json\n      - seccomp:unconfined\n"
    )
    found = check_files(dc_privileges.ConfinementDisabled, tmp_path, {"compose.yaml": compose})
    assert [(d.span.start.line, d.span.start.column) for d in found] == [(6, 9)]
