"""The light entry-point reader agrees with importlib.metadata on what it finds."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from linter.entrypoints import entry_points


def _dist(site: Path, folder: str, text: str) -> None:
    (site / folder).mkdir(parents=True)
    (site / folder / "entry_points.txt").write_text(text, encoding="utf-8")


def test_reads_groups_and_first_distribution_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(
        first,
        "pack_one-1.0.dist-info",
        "[console_scripts]\nx = y\n\n[shiplint]\none = pack_one.rules:plugin\n",
    )
    _dist(second, "pack_one-2.0.dist-info", "[shiplint]\nshadowed = nope\n")
    _dist(second, "pack_two-0.1.egg-info", "[shiplint]\n# comment\ntwo = pack_two [extra]\n")
    found = entry_points("shiplint", [str(first), str(second), str(tmp_path / "missing")])
    assert [(e.name, e.value, e.distribution) for e in found] == [
        ("one", "pack_one.rules:plugin", "pack-one"),
        ("two", "pack_two", "pack-two"),
    ]


def test_loads_module_and_attribute() -> None:
    from linter.entrypoints import EntryPoint

    assert EntryPoint("x", "linter.diagnostics:Severity.ERROR", "d").load().value == "error"


def test_matches_importlib_metadata_for_installed_packages() -> None:
    ours = {(e.name, e.value) for e in entry_points("shiplint")}
    theirs = {(e.name, e.value) for e in importlib.metadata.entry_points(group="shiplint")}
    assert ours == theirs and ("shiplint_builtin_rules", "linter.rules") in ours
