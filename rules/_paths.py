"""Container paths: whether one folder holds another (mount targets, caches, removals).

The Dockerfile rules ask it of ``rm`` arguments and ``RUN --mount`` targets, the compose rules
of volume targets; both mean the same thing by it, so it is written once.
"""

from __future__ import annotations

import functools
import posixpath
import re

_SLASHES = re.compile(r"/+")


@functools.lru_cache(maxsize=4096)  # the same few paths are asked about over and over
def normalise_path(path: str) -> str:
    """``/var/lib//apt/lists/*`` -> ``/var/lib/apt/lists``.

    Repeated slashes and a trailing ``/``, ``/.`` or ``/*`` go (``rm -rf dir/*`` empties
    ``dir``); ``.`` and ``..`` segments of an absolute path are resolved. A relative path keeps
    its segments: what it is relative to is not known here.
    """
    text = _SLASHES.sub("/", path.strip())
    while text.endswith(("/*", "/.")) and len(text) > 2:
        text = text[:-2]
    if text.startswith("/"):
        return posixpath.normpath(text)
    if len(text) > 1:
        text = text.rstrip("/")
    return text


def path_covers(outer: str, inner: str) -> bool:
    """True when ``inner`` is ``outer`` or lies below it (``/`` covers every absolute path)."""
    outer_n, inner_n = normalise_path(outer), normalise_path(inner)
    if outer_n == "/":
        return inner_n.startswith("/")
    return inner_n == outer_n or inner_n.startswith(outer_n + "/")
