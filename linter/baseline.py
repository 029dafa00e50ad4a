"""Baselines: record today's findings, later report only new ones.

A finding is identified by its code, its file and the text of the line it flags (with
whitespace collapsed), plus how many identical ones came before it. Line numbers are not
part of it, so findings survive unrelated edits that move lines.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from linter.diagnostics import Diagnostic

VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing or malformed."""


class BaselineMissing(BaselineError):
    """The baseline file does not exist yet: a first run, every finding is new."""


def _line_text(diagnostic: Diagnostic, sources: Mapping[str, str]) -> str:
    source = sources.get(diagnostic.path)
    if source is None:
        return ""
    lines = source.splitlines()
    index = diagnostic.span.start.line - 1
    return " ".join(lines[index].split()) if 0 <= index < len(lines) else ""


def fingerprints(diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """A stable fingerprint per finding, in the order given."""
    seen: Counter[str] = Counter()
    prints = []
    for diagnostic in diagnostics:
        base = "\x1f".join(
            (
                diagnostic.code,
                diagnostic.subcode or "",
                diagnostic.path,
                _line_text(diagnostic, sources),
            )
        )
        occurrence = seen[base]
        seen[base] += 1
        digest = hashlib.sha256(f"{base}\x1f{occurrence}".encode()).hexdigest()[:32]
        prints.append(digest)
    return prints


def write_baseline(
    path: Path, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]
) -> int:
    entries = [
        {
            "path": d.path,
            "code": d.code,
            "line": d.span.start.line,
            "message": d.message,
            "fingerprint": fingerprint,
        }
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, sources), strict=True)
    ]
    path.write_text(
        json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n", encoding="utf-8"
    )
    return len(entries)


def filter_baseline(
    path: Path, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]
) -> list[Diagnostic]:
    """The findings that the baseline does not account for."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = Counter(str(entry["fingerprint"]) for entry in data["findings"])
    except FileNotFoundError:
        raise BaselineMissing(f"{path}: no such baseline file") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"{path}: not a shiplint baseline ({error})") from None
    kept = []
    for diagnostic, fingerprint in zip(
        diagnostics, fingerprints(diagnostics, sources), strict=True
    ):
        if known[fingerprint] > 0:
            known[fingerprint] -= 1
        else:
            kept.append(diagnostic)
    return kept
