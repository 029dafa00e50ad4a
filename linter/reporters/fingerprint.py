"""Stable identities of findings that survive lines moving up or down.

SARIF ``partialFingerprints`` and GitLab ``fingerprint`` both need one: a hash of the rule
code, the path, the flagged source text (whitespace-trimmed, never the line number) and an
occurrence index that tells identical findings apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from linter.diagnostics import Diagnostic
from linter.reporters.base import SourceLines, display_code

# The most lines of a multi-line span that feed the hash; a whole-stage span would otherwise
# change with every edit inside it.
MAX_HASHED_LINES = 20


def flagged_text(diagnostic: Diagnostic, source: SourceLines) -> str:
    """The trimmed text of the lines the span covers, or the message when the source is unknown."""
    start = diagnostic.span.start.line
    end = diagnostic.span.end.line
    if diagnostic.span.end.column == 1 and end > start:
        end -= 1  # the span stops at the start of the next line
    end = min(end, start + MAX_HASHED_LINES - 1)
    lines = [source.line(number) for number in range(start, end + 1)]
    if not lines or any(line is None for line in lines):
        return "\0message\0" + diagnostic.message
    return "\n".join(line.strip() for line in lines if line is not None)


def fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """One hex fingerprint per diagnostic, in the same order, unique within the run."""
    cache: dict[str, SourceLines] = {}
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for diagnostic in diagnostics:
        source = cache.get(diagnostic.path)
        if source is None:
            source = cache[diagnostic.path] = SourceLines.of(sources.get(diagnostic.path))
        key = (display_code(diagnostic), diagnostic.path, flagged_text(diagnostic, source))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8"))
        result.append(digest.hexdigest()[:32])
    return result
