"""Well-known credential formats and credential file names, shared by the secret rules.

A value with one of these shapes is a credential whatever the name it is stored under; a
file with one of these names holds one (the COPY and .dockerignore rules ask).
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
    (
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+"),
    ),
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


# A value that stands in for a secret the user supplies discloses nothing: it is empty, a
# template marker (``<password>``, ``{{ token }}``) or a mask of one repeated character
# (``xxx``, ``***``, ``00000000-0000-0000-0000-000000000000``). Words such as ``changeme`` or
# ``change-me-in-production`` are not in this list on purpose: they work as passwords when the
# file is deployed as it is, and everybody can read them (see DF420 and DC330's docs).
_TEMPLATE = re.compile(r"^(?:<[^<>]*>|\{\{[^{}]*\}\}|\[[A-Za-z _\-]*\]|%[A-Za-z_]+%)$")
_MASK_SEPARATORS = str.maketrans("", "", "-_.: ")
# A hex key written as a bit mask, all ones then all zeros (or the reverse), such as
# ``FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000000000000000000000000000``: no entropy at all, so
# it marks the place of a key (or is a tool's documented default), it discloses nothing.
_BIT_MASK = re.compile(r"f{8,}0{8,}|0{8,}f{8,}")
# A token format's prefix followed by a mask (``sk-xxx-xxx-xxx``, ``ghp_XXXXXXXX``) shows which
# kind of key goes there, and nothing of any key.
_TOKEN_PREFIX = re.compile(
    r"^(?:sk-(?:proj-|ant-)?|[sr]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abposr]-"
    r"|npm_|AKIA|AIza)"
)


def is_placeholder(value: str) -> bool:
    """Whether ``value`` only marks where a secret goes (empty, ``<...>``, ``xxx``, ``***``)."""
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    if not text or _TEMPLATE.match(text):
        return True
    masked = text.translate(_MASK_SEPARATORS).lower()
    if len(masked) >= 3 and len(set(masked)) == 1 and masked[0] in "x*0#.?y_-":
        return True
    prefix = _TOKEN_PREFIX.match(text)
    if prefix and prefix.end() < len(text) and is_placeholder(text[prefix.end() :]):
        return True
    return _BIT_MASK.fullmatch(masked) is not None


# The host after ``@`` must look like a host: mitmproxy's ``reverse:https://host:443@8443``
# (listen on 8443) has a port there, not a host.
URL_CREDENTIALS = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,40})://(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@"
    r"(?=[\[A-Za-z0-9_$])(?!\d+(?:$|[/\s?#,;\"']))"
)


def url_password(value: str) -> tuple[str, int, int] | None:
    """``(scheme, start, end)`` of the password in ``scheme://user:password@host``."""
    match = URL_CREDENTIALS.search(value)
    if match is None:
        return None
    return match.group("scheme"), match.start("password"), match.end("password")


# ---------------------------------------------------------------------------------------------
# files that hold credentials, by name

_SECRET_FILES = frozenset(
    {
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "id_ecdsa_sk",
        "id_ed25519_sk",
        ".ssh",
        ".netrc",
        "_netrc",
        ".pgpass",
        ".git-credentials",
        ".aws",
        "credentials.json",
        "service-account.json",
        "service_account.json",
        ".htpasswd",
        "secrets.env",
    }
)
_ENV_OK_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".tpl")
_KEY_SUFFIXES = (".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx")


def secret_file(path: str) -> bool:
    """Whether a file name is a private key or credential store by its name."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    lowered = name.lower()
    if lowered in _SECRET_FILES:
        return True
    if lowered == ".env" or (
        lowered.startswith(".env.") and not lowered.endswith(_ENV_OK_SUFFIXES)
    ):
        return True
    if lowered.endswith(_KEY_SUFFIXES):
        return True
    if lowered.endswith(".pem"):
        stem = lowered[:-4]
        return "key" in stem or "priv" in stem
    return False
