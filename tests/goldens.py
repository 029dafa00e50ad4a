"""One switch regenerates every generated or expected text: ``SHIPLINT_UPDATE=1 pytest``.

The reporters' goldens, the graph snapshots, the README's generated blocks and docs/rules.md
are all rewritten when it is set; read the diff before committing it.
"""

from __future__ import annotations

import os

SWITCH = "SHIPLINT_UPDATE"


def updating() -> bool:
    """Whether this run should rewrite expected texts instead of comparing against them."""
    return os.environ.get(SWITCH) == "1"


def stale(what: str) -> str:
    """The assertion message for an expected text that no longer matches."""
    return f"{what} is stale: run {SWITCH}=1 pytest, then read the diff"
