"""Well-known credential formats, shared by the Dockerfile and compose secret rules.

A value with one of these shapes is a credential whatever the name it is stored under.
"""

from __future__ import annotations

import re

TOKEN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[A-Z2-7]{16}\b")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a GitHub token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    ("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    ("a Stripe live key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}\b")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("an OpenAI key", re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("a JSON Web Token",
     re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+")),
)
# Documentation values (AWS's own AKIAIOSFODNN7EXAMPLE, placeholders) are not credentials.
_EXAMPLES = ("EXAMPLE", "example", "xxxxxxxx", "XXXXXXXX")


def is_example(text: str) -> bool:
    return any(marker in text for marker in _EXAMPLES)


def token_format(text: str) -> str | None:
    """The kind of credential ``text`` contains, if it contains a known one."""
    found = find_token(text)
    return found[0] if found else None


def find_token(text: str) -> tuple[str, int, int] | None:
    """``(kind, start, end)`` of the first known credential in ``text``, to point at it."""
    if is_example(text):
        return None
    for label, pattern in TOKEN_FORMATS:
        match = pattern.search(text)
        if match:
            return label, match.start(), match.end()
    return None
