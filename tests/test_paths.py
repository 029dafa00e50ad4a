"""Container paths: one folder covering another, for mounts, caches and removals."""

from __future__ import annotations

import pytest
from linter.rules._paths import normalise_path, path_covers


@pytest.mark.parametrize(
    ("path", "normal"),
    [
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists"),
        ("/var//lib/apt/", "/var/lib/apt"),
        ("/var/lib/./apt/../apt", "/var/lib/apt"),
        ("/", "/"),
        ("/.", "/"),
        ("data/", "data"),
        ("./data/*", "./data"),
    ],
)
def test_normalise_path(path: str, normal: str) -> None:
    assert normalise_path(path) == normal


@pytest.mark.parametrize(
    ("outer", "inner", "covers"),
    [
        ("/var/lib/postgresql", "/var/lib/postgresql/data", True),
        ("/var/lib/postgres", "/var/lib/postgresql/data", False),
        ("/var/lib/apt/lists/*", "/var/lib/apt/lists", True),
        ("/var/lib/mysql/", "/var/lib//mysql", True),
        ("/", "/anything", True),
        ("/", "relative", False),
        ("data", "data/x", True),
        ("/data/x", "/data", False),
    ],
)
def test_path_covers(outer: str, inner: str, covers: bool) -> None:
    assert path_covers(outer, inner) is covers
