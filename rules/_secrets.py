"""How a credential is recognised, shared by the Dockerfile and compose secret rules.

Well-known token formats (a value with one of these shapes is a credential whatever the name
it is stored under), placeholders that only mark where a secret goes, names that say they
hold a credential, passwords written in connection URLs, and files that hold one by their
name (the COPY and .dockerignore rules ask).
"""

from __future__ import annotations

import re

from linter.patterns import lazy_compile
from linter.records import record

TOKEN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "an AWS access key id",
        lazy_compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA)[A-Z2-7]{16}\b"),
    ),
    ("a GitHub token", lazy_compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a GitHub token", lazy_compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("a GitLab token", lazy_compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    ("an npm token", lazy_compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a Slack token", lazy_compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    ("a Stripe live key", lazy_compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}\b")),
    ("a Google API key", lazy_compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("an OpenAI key", lazy_compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}")),
    ("a private key", lazy_compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    (
        "a JSON Web Token",
        lazy_compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+"),
    ),
)
# Every format above starts with one of these literals: one search for them rules out the
# ordinary words of a RUN line (nearly all of them) before the formats are tried one by one.
_TOKEN_START = re.compile(
    r"AKIA|ASIA|AGPA|AIDA|AROA|ANPA|AIPA|gh[pousr]_|github_pat_|glpat-|npm_|xox[abposr]-"
    r"|[sr]k_live_|AIza|sk-|-----BEGIN |eyJ"
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
    if _TOKEN_START.search(text) is None or is_example(text):
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
URL_CREDENTIALS = lazy_compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,40})://(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@"
    r"(?=[\[A-Za-z0-9_$])(?!\d+(?:$|[/\s?#,;\"']))"
)


def url_password(value: str) -> tuple[str, int, int] | None:
    """``(scheme, start, end)`` of the password in ``scheme://user:password@host``."""
    if "://" not in value:  # most words are no URL: skip the regex's scan of each position
        return None
    match = URL_CREDENTIALS.search(value)
    if match is None:
        return None
    return match.group("scheme"), match.start("password"), match.end("password")


# ---------------------------------------------------------------------------------------------
# Credentials by name, and in connection URLs

# Key names that hold credentials (compose-lint's list, so CL-0020 users see the same keys).
SECRET_KEY_PARTS = (
    "PASSWORD",
    "PASSPHRASE",
    "TOKEN",
    "SECRET",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "SECRET_KEY",
    "ENCRYPTION_KEY",
    "CREDENTIAL",
)
SECRET_KEY_SUFFIXES = ("_PASS", "_PWD", "PASSWD", "_SALT", "_DSN")
# Names that mention a secret but hold something about it: where it is, how long it lives.
NOT_SECRET_SUFFIXES = (
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_NAME",
    "_TTL",
    "_EXPIRY",
    "_EXPIRE",
    "_EXPIRES",
    "_EXPIRATION",
    "_LIFETIME",
    "_TIMEOUT",
    "_LENGTH",
    "_SIZE",
    "_MIN",
    "_MAX",
    "_MINUTES",
    "_SECONDS",
    "_HOURS",
    "_DAYS",
    "_PORT",
    "_COST",
    "_ROUNDS",
    "_ENABLED",
    "_REQUIRED",
    "_TYPE",
    "_HEADER",
    "_FIELD",
    "_PARAM",
    "_COOKIE",
    # who logs in and how, not with what: ``SINGLE_USER_CREDENTIALS_USERNAME``,
    # ``*_CREDENTIALS_SOURCE: OAUTHBEARER``, an AWS access key's public id
    "_USER",
    "_USERNAME",
    "_USER_NAME",
    "_LOGIN_NAME",
    "_SOURCE",
    "_PROVIDER",
    "_MECHANISM",
    "_KEY_ID",
)
# ``ETCD_INITIAL_CLUSTER_TOKEN`` / ``--initial-cluster-token``: a cluster's identifier that
# keeps two clusters from joining by mistake, not a credential.
NOT_SECRET_PARTS = ("ALLOW_EMPTY_", "RANDOM_", "_POLICY", "_METHOD", "_ALGORITHM", "CLUSTER_TOKEN")
FLAG_VALUES = frozenset({"yes", "no", "true", "false", "0", "1", "on", "off", "none", "null"})
_QUANTITY = re.compile(r"^\d+(\.\d+)?(ms|s|m|h|d|w|k|kb|m|mb|g|gb)?$", re.IGNORECASE)


def secret_key(key: str) -> bool:
    """Does an environment/build-arg name say it holds a credential?"""
    upper = key.strip().upper()
    if upper.endswith(NOT_SECRET_SUFFIXES) or any(part in upper for part in NOT_SECRET_PARTS):
        return False
    return any(part in upper for part in SECRET_KEY_PARTS) or upper.endswith(SECRET_KEY_SUFFIXES)


# Names of credentials a service presents to an outside API (a telemetry exporter's key, a
# mail relay's API key): the issuing service checks them, so a sentinel value matches no key.
_CONSUMED_KEY_PARTS = ("API_KEY", "APIKEY", "API_SECRET")
# Values that say "no key here" rather than being one.
_SENTINELS = frozenset(
    {
        "dummy",
        "invalid",
        "disabled",
        "disable",
        "none",
        "null",
        "nil",
        "unset",
        "undefined",
        "placeholder",
        "notset",
        "not-set",
        "not_set",
        "n/a",
        "unused",
    }
)


def consumed_key_sentinel(key: str, value: str) -> bool:
    """``*_API_KEY: dummy``, ``API_KEY=${API_KEY:-invalid}``: an API key the stack hands to
    another service, set to a word that marks it absent. No service issues the key `dummy`,
    so nothing works and nothing is disclosed; a password the stack's own server is *given*
    (``POSTGRES_PASSWORD: changeme``) is different: the server accepts it as written."""
    text = value.strip().strip("\"'").strip().lower()
    return text in _SENTINELS and any(part in key.strip().upper() for part in _CONSUMED_KEY_PARTS)


def literal_secret_value(value: str) -> bool:
    """A value that could be a credential (not empty, a flag, a number or a file path)."""
    stripped = value.strip()
    if not stripped or stripped.lower() in FLAG_VALUES or _QUANTITY.match(stripped):
        return False
    if is_placeholder(stripped):
        return False  # ``<your-token>``, ``xxx``, ``***``: nothing is disclosed
    return not stripped.startswith(("/run/secrets/", "/var/run/secrets/"))


_BRACED_VARIABLE = re.compile(r"\$\{[^{}]*\}")


def written_url_password(written: str) -> tuple[str, int, int] | None:
    """:func:`url_password` of a value as written, where ``${...}`` may hold ``:`` and ``@``.

    Every ``${...}`` is read as one opaque word, so ``${DB_USER:-app}:${DB_PASS:-x}@db``
    splits at the colon between the two variables, not at the one inside the first.
    """
    masked = _BRACED_VARIABLE.sub(lambda match: "v" * len(match.group(0)), written)
    return url_password(masked)


@record
class UrlCredential:
    """A password written in a connection string: the literal, or a ``${VAR:-x}`` default."""

    scheme: str
    kind: str  # "literal" or "default"
    start: int  # offsets in the text as written
    end: int


# ``${VAR:-default}`` or ``${VAR-default}`` with a literal default (no nested variable).
_VARIABLE_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]+)\}")


def literal_default(written: str) -> str | None:
    """The literal default of the first ``${VAR:-default}`` in a value as written, if any: it
    is in the file, and used whenever the variable is unset."""
    match = _VARIABLE_DEFAULT.search(written)
    return match.group(1) if match else None


def url_credential(written: str) -> UrlCredential | None:
    """The password of ``scheme://user:password@host`` in a value as written, if the file has it.

    A password from ``${VAR}`` (or from the container's shell: ``$$VAR``) is not in the file;
    the literal default of ``${VAR:-x}`` is, and is returned as a "default".
    """
    found = written_url_password(written)
    if found is None:
        return None
    scheme, start, end = found
    password = written[start:end]
    if "$" not in password:
        if is_placeholder(password):
            return None  # ``user:<password>@host``, ``user:***@host``: a template
        return UrlCredential(scheme, "literal", start, end)
    default = _VARIABLE_DEFAULT.fullmatch(password)
    if default is None or not literal_secret_value(default.group(1)):
        return None
    return UrlCredential(scheme, "default", start + default.start(1), start + default.end(1))


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
