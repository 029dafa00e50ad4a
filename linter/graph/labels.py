"""Short labels: the picture shows a few words, the tooltips and the JSON the full text."""

from __future__ import annotations

LABEL_WIDTH = 28


def shorten(text: str, width: int = LABEL_WIDTH) -> str:
    """At most ``width`` characters; a path keeps its last components whole
    (``…/pipeline/nginx.conf``)."""
    if len(text) <= width:
        return text
    parts = text.split("/")
    kept = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + len(kept) + 3 > width:
            break
        kept = f"{part}/{kept}"
    if len(kept) + 2 <= width and "/" in text:
        return "…/" + kept
    return "…" + text[-(width - 1) :]


def short_image(text: str, width: int = LABEL_WIDTH + 2) -> str:
    """``docker.io/library/postgres:16`` as ``postgres:16``; a digest cut to its start,
    a long name cut from the left so that the tag stays."""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    name, at, digest = text.partition("@")
    if at:
        text = f"{shorten(name, width - 17)}@{digest[:14]}…" if len(digest) > 14 else text
        return text
    return shorten(text, width) if len(text) > width else text
