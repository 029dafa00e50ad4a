"""Image references as written in FROM: registry, repository, tag and digest.

Follows the rules of Docker's reference grammar (distribution/reference): the first path
component is a registry when it contains ``.`` or ``:``, or is ``localhost``; the tag is
after the last ``:`` of the last path component; the digest is after ``@``. Nothing is
normalised (``python`` stays ``python``), so rules see what the author wrote.
"""

from __future__ import annotations

from linter.diagnostics import Span
from linter.dockerfile.ast import ImageRef


def split_reference(reference: str) -> tuple[str | None, str, str | None, str | None]:
    """``(registry, repository, tag, digest)`` of an image reference."""
    name, at, digest_part = reference.partition("@")
    digest = digest_part if at else None
    registry: str | None = None
    first, slash, remainder = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry = first
        name = remainder
    tag: str | None = None
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        tag = name[colon + 1 :]
        name = name[:colon]
    return registry, name, tag, digest


def parse_image_ref(
    text: str, resolved: str, span: Span, unresolved: tuple[str, ...] = ()
) -> ImageRef:
    """An ``ImageRef`` for the FROM word ``text`` whose variables resolve to ``resolved``."""
    registry, repository, tag, digest = split_reference(resolved)
    return ImageRef(
        text=text,
        resolved=resolved,
        registry=registry,
        repository=repository,
        tag=tag,
        digest=digest,
        span=span,
        unresolved_variables=unresolved,
    )
