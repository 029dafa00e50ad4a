"""The built-in rule packs, registered through the ``shiplint`` entry point like any plugin.

Every module in this package that defines ``RULES`` (a tuple of Rule classes) is collected;
``df_*`` modules hold Dockerfile rules and ``dc_*`` modules compose rules.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence

from linter import Rule, hookimpl

# Module name prefix -> the kind of file its rules check (input_errors has both).
_MODULE_KINDS = {"df": "dockerfile", "dc": "compose"}


@hookimpl
def shiplint_rules(kinds: frozenset[str]) -> Sequence[Rule]:
    """The built-in rules for ``kinds``: a Dockerfile run never imports the compose pack."""
    rules: list[Rule] = []
    for name in _rule_modules():
        kind = _MODULE_KINDS.get(name[:2])
        if kind is not None and kind not in kinds:
            continue
        module = importlib.import_module(f"{__name__}.{name}")
        for rule_class in getattr(module, "RULES", ()):
            if rule_class.target.kind in kinds:
                rules.append(rule_class())
    return rules


def _rule_modules() -> list[str]:
    """Names of the rule modules in this folder (pkgutil would cost an import of its own)."""
    names = {
        entry.name.partition(".")[0]
        for folder in __path__
        for entry in os.scandir(folder)
        if entry.name.endswith((".py", ".pyc")) and not entry.name.startswith("_")
    }
    return sorted(names)
