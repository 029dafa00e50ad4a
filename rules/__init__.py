"""The built-in rule packs, registered through the ``shiplint`` entry point like any plugin.

Every module in this package that defines ``RULES`` (a tuple of Rule classes) is collected.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

from linter import Rule, hookimpl


@hookimpl
def shiplint_rules() -> Sequence[Rule]:
    rules: list[Rule] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for rule_class in getattr(module, "RULES", ()):
            rules.append(rule_class())
    return rules
