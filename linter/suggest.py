"""Did-you-mean hints for mistyped commands, rule codes, config keys and format names.

difflib is imported only when a hint is needed: a correct command line never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate nearest to ``word`` (compared without case), or None if none is close."""
    import difflib

    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.lower(), candidate)
    matches = difflib.get_close_matches(word.lower(), list(by_folded), n=1, cutoff=cutoff)
    return by_folded[matches[0]] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` to append to an error message, or ``""``."""
    match = closest(word, candidates, cutoff)
    return f"; did you mean {match!r}?" if match is not None else ""
