"""Regular expressions compiled when first used, not when their module is imported.

A Dockerfile run imports every Dockerfile rule, but most runs use only some of their
patterns: the SPDX licence list, say, is needed only for a LABEL that names a licence.
Compiling the long ones up front cost several ms of every cold start.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _LazyPattern:
    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, source: str, flags: int) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r})"


def lazy_compile(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` on first use; the result behaves as the compiled pattern."""
    return cast("re.Pattern[str]", _LazyPattern(source, flags))
