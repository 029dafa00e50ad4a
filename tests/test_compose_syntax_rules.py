"""The compose syntax rules: where a loader problem is reported."""

from __future__ import annotations

from pathlib import Path

from compose_rule_run import check_text, lines
from linter.rules import dc_syntax


def test_duplicate_key_is_reported_at_the_repetition(tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n    image: nginx:1.26\n"
    assert lines(check_text(dc_syntax.DuplicateKey, text, tmp_path)) == [(4, 5)]
