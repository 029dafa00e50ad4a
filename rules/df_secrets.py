"""Secrets that end up in the image: by ARG/ENV name, by token format, by copied key files.

ARG and ENV values are stored in the image config and history (ARG values passed with
``--build-arg`` too), and every COPYed file is in a layer, so a secret given any of these ways
can be read by whoever pulls the image. BuildKit's secret mounts keep them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from linter import Diagnostic, DockerfileContext, InstructionRule, Severity, Span
from linter.dockerfile.ast import Instruction, KeyValue

from ._dockerfile_words import strip_quotes
from ._runs import commands
from ._secrets import is_example, is_placeholder, secret_file, token_format, url_password

# ---------------------------------------------------------------------------------------------
# DF420 secret-looking names

# BuildKit's SecretsUsedInArgOrEnv tokens (the name is split on "_" and "-", case-insensitive).
_DENY = frozenset(
    {
        "apikey",
        "auth",
        "credential",
        "credentials",
        "key",
        "password",
        "pword",
        "passwd",
        "secret",
        "token",
    }
)
# BuildKit's allow tokens, plus tokens that name something about a secret but not its value:
# where it is (path, file, dir, url, host), what kind it is (type, name, id of a GPG key...).
_ALLOW = frozenset(
    {
        "public",
        "file",
        "version",  # BuildKit
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "host",
        "port",
        "server",
        "keyserver",
        "gpg",
        "pgp",
        "fingerprint",
        "name",
        "type",
        "method",
        "mode",
        "length",
        "size",
        "expiry",
        "ttl",
        "timeout",
        "enabled",
        "required",
        "provider",
        "algorithm",
        "format",
        "sock",
    }
)
# Whole names that are public key material or a flag in official and devcontainer images.
_ALLOW_NAMES = frozenset(
    {"GPG_KEY", "GPG_KEYS", "PGP_KEY", "PGP_KEYS", "KEYS", "APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE"}
)
_BOOLEAN = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1"})
# A last token that says the variable names who logs in or which cluster it is, not the
# secret: ``DB_PASSWORD_USER``, ``API_KEY_ID``, ``CREDENTIALS_SOURCE``, ``CLUSTER_TOKEN``
# (etcd's ``--initial-cluster-token`` is an identifier that keeps clusters apart).
_ALLOW_LAST = frozenset({"user", "username", "login", "id", "source", "provider"})
# A value that is a path (``assets/tls/root.key``) says where a key is, not what it is.
_PATH_VALUE = re.compile(r"^(?:/|\./|\.\./|~/)\S*$|^[\w.\-]+(?:/[\w.\-]+)+\.[A-Za-z]{2,5}$")


def secret_name(name: str) -> bool:
    """Whether an ARG/ENV name says it holds a secret (tokenised like BuildKit)."""
    if name.upper() in _ALLOW_NAMES:
        return False
    tokens = [token for token in re.split(r"[_\-.]", name.lower()) if token]
    if not any(token in _DENY for token in tokens):
        return False
    if tokens[-1] in _ALLOW_LAST or "cluster" in tokens:
        return False
    return not any(token in _ALLOW for token in tokens)


def shipped_value(keyword: str, value: str | None) -> bool:
    """Whether an ARG/ENV value may be a secret that the image ships.

    An ARG without a value (or with an empty one) is filled by ``--build-arg`` and recorded
    in the history, so it counts. An ENV that is empty, a placeholder (``<password>``,
    ``xxx``, ``***``, all zeros), a boolean or a path ships nothing secret: the real value
    is given when the container starts. Words like ``changeme`` or ``password`` do count:
    they work as passwords when nobody overrides them.
    """
    if value is None:
        return keyword == "ARG"
    text = value.strip()
    if text.lower() in _BOOLEAN or _PATH_VALUE.match(strip_quotes(text)):
        return False
    if is_placeholder(text):
        return keyword == "ARG" and not strip_quotes(text)
    return True


class SecretInArgOrEnvName(InstructionRule):
    code = "DF420"
    name = "secret-in-arg-or-env"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "An ARG or ENV name says it holds a secret"
    description = (
        "ARG and ENV values are kept in the image's config and history (build arguments "
        "too), so a password or token passed that way can be read by anyone who pulls the "
        "image. Use a secret mount: `RUN --mount=type=secret,id=npm_token ...`. The name is "
        "split on `_` like BuildKit's SecretsUsedInArgOrEnv (deny tokens `apikey`, `auth`, "
        "`credential(s)`, `key`, `password`, `pword`, `passwd`, `secret`, `token`); tokens "
        "naming where or what the secret is (`public`, `file`, `version`, `path`, `url`, "
        "`gpg`, `name`...) cancel it, so `PUBLIC_KEY`, `TOKEN_FILE`, `GPG_KEY` and "
        "`USERNAME` (hadolint's DL3064 flags devcontainers' `ARG USERNAME=vscode`) stay "
        "silent, and so do names whose last word says who logs in or which cluster it is "
        "(`DB_PASSWORD_USER`, `API_KEY_ID`, `ETCD_INITIAL_CLUSTER_TOKEN`). An ENV whose "
        "value is empty, a boolean, a path, or a placeholder that only marks where the "
        "secret goes (`<password>`, `xxx`, `***`, all zeros, or a hex bit mask of all `F` then "
        "all `0` such as fteproxy's `KEY=FFFF...0000`, which has no entropy) ships nothing "
        "secret and is not "
        "reported; an ARG is, even without a value, because `--build-arg` fills it and the "
        "history records it. Decision on words such as `changeme` or "
        "`change-me-in-production`: they stay findings, because they are working passwords "
        "when the image runs without an override, and everybody who reads the file knows "
        "them."
    )
    bad = (
        'FROM node:20-slim\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken='
        '${NPM_TOKEN}" > .npmrc && npm ci\n'
    )
    good = (
        "# syntax=docker/dockerfile:1\nFROM node:20-slim\n"
        "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"
    )
    keywords = frozenset({"ARG", "ENV"})
    onbuild = True
    aliases = ("DL3064", "SecretsUsedInArgOrEnv", "DS-0031")

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        for pair in instruction.key_values:
            if secret_name(pair.key) and shipped_value(instruction.keyword, pair.value):
                yield self.report(
                    context.path,
                    pair.key_span,
                    f"{instruction.keyword} {pair.key} looks like a secret: its value "
                    "is kept in the image history. Use RUN --mount=type=secret.",
                )


# ---------------------------------------------------------------------------------------------
# DF421 secrets by value

_AWS_SECRET = re.compile(r"^[A-Za-z0-9/+]{40}$")


def find_secret(text: str) -> str | None:
    """What kind of credential ``text`` contains, if it contains a known one."""
    if is_example(text):
        return None
    found = url_password(text)
    if found is not None and token_format(text) is None:
        password = text[found[1] : found[2]]
        if (
            "$" not in password
            and password.lower() not in ("password", "pass")
            and not is_placeholder(password)
        ):
            return "a password in a URL"
    return token_format(text)


def _pair_secret(pair: KeyValue) -> str | None:
    if pair.value is None:
        return None
    found = find_secret(pair.value)
    if found is not None:
        return found
    upper = pair.key.upper()
    if "AWS" in upper and "SECRET" in upper and _AWS_SECRET.match(pair.value):
        return "an AWS secret access key"
    return None


class SecretValue(InstructionRule):
    code = "DF421"
    name = "secret-value-in-dockerfile"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "A credential is written in the Dockerfile"
    description = (
        "Known credential formats are searched in ARG, ENV and LABEL values and in RUN "
        "commands: AWS access key ids (`AKIA...`) and secret keys, GitHub (`ghp_`, `gho_`, "
        "`ghs_`, `github_pat_`), GitLab (`glpat-`), npm (`npm_`), Slack (`xoxb-`...), Stripe "
        "live keys (`sk_live_`), Google API keys (`AIza...`), private key blocks and passwords "
        "in URLs (`postgres://app:pw@db`). Whatever is in a Dockerfile is in the repository and "
        "in the image history: revoke the credential, then pass it with a secret mount. Values "
        "containing `EXAMPLE` or `xxxxxxxx` are treated as documentation."
    )
    bad = "FROM alpine:3.20\nENV GITHUB_TOKEN_VALUE=ghp_4f8Kx2LmQ9vT7rY1wZ3nB6cD0eH5jP8sU2aG\n"
    good = (
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
        "RUN --mount=type=secret,id=gh_token,env=GH_TOKEN ./fetch-release.sh\n"
    )
    keywords = frozenset({"ARG", "ENV", "LABEL", "RUN"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.keyword != "RUN":
            for pair in instruction.key_values:
                kind = _pair_secret(pair)
                if kind is not None:
                    yield self._found(context, pair.span, kind, instruction)
            return
        if context.stage_of(instruction) is None:
            return
        for command in commands(context, instruction):
            for word in command.argv:
                kind = find_secret(word.text)
                if kind is not None:
                    yield self._found(context, word.span, kind, instruction)
                    break

    def _found(
        self, context: DockerfileContext, span: Span, kind: str, instruction: Instruction
    ) -> Diagnostic:
        return self.report(
            context.path,
            span,
            f"This {instruction.keyword} contains {kind}; it is readable in the "
            "repository and the image history. Revoke it and use a secret mount.",
        )


# ---------------------------------------------------------------------------------------------
# DF422 key and credential files copied in


class SecretFileCopied(InstructionRule):
    code = "DF422"
    name = "secret-file-copied"
    tags = ("security",)
    severity = Severity.ERROR
    summary = "COPY or ADD puts a private key or credentials file into the image"
    description = (
        "A file COPYed into a layer stays in the image even if a later RUN deletes it. "
        "Sources named like SSH keys (`id_rsa`, `id_ed25519`, `.ssh`), TLS/Java keys (`*.key`, "
        "`*key.pem`, `*.p12`, `*.jks`), `.env` files (not `.env.example`), `.netrc`, `.pgpass`, "
        "`.git-credentials` or `.aws` are reported. Use `RUN --mount=type=secret` or "
        "`--mount=type=ssh` for build-time access, and inject runtime secrets when the "
        "container starts. Certificates (`ca.pem`, `cert.pem`) are public and not reported, "
        "nor are public keys: a destination ending in `.pub`, `.asc` or `.gpg` (a signing "
        "key copied for verification), or a source file of the build context whose text is a "
        "public key (`-----BEGIN PGP PUBLIC KEY BLOCK-----`, `-----BEGIN PUBLIC KEY-----`, "
        "`ssh-rsa AAAA...`)."
    )
    bad = "FROM alpine:3.20\nCOPY id_rsa /root/.ssh/id_rsa\nRUN git clone git@example.com:a/b\n"
    good = (
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n"
        "RUN --mount=type=ssh git clone git@example.com:a/b\n"
    )
    keywords = frozenset({"COPY", "ADD"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.heredocs or instruction.flag("from") is not None:
            return
        if _public_key_destination(instruction):
            return
        for text, span in self._sources(instruction):
            if secret_file(text) and not _public_key_file(context.build_context, text):
                yield self.report(
                    context.path,
                    span,
                    f"{text} looks like a key or credentials file: once "
                    "copied it stays in the image. Use a secret or ssh mount.",
                )

    @staticmethod
    def _sources(instruction: Instruction) -> list[tuple[str, Span]]:
        if instruction.json_args is not None:
            span = instruction.arguments_span or instruction.span
            return [(source, span) for source in instruction.json_args[:-1]]
        words = instruction.words
        return [(strip_quotes(word.text), word.span) for word in words[:-1]]


_PUBLIC_KEY_SUFFIXES = (".pub", ".asc", ".gpg")
_PUBLIC_KEY_STARTS = (
    "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN RSA PUBLIC KEY-----",
    "-----BEGIN SSH2 PUBLIC KEY-----",
    "ssh-rsa ",
    "ssh-ed25519 ",
    "ssh-dss ",
    "ecdsa-sha2-",
    "sk-ssh-ed25519@",
    "sk-ecdsa-sha2-",
)


def _public_key_destination(instruction: Instruction) -> bool:
    """A destination named like a public key (``/war/jenkins-key.pub``, ``/etc/apt/x.gpg``):
    a signing key copied in to verify downloads, not a secret."""
    if instruction.json_args is not None:
        destination = instruction.json_args[-1] if instruction.json_args else ""
    else:
        destination = strip_quotes(instruction.words[-1].text) if instruction.words else ""
    return destination.lower().endswith(_PUBLIC_KEY_SUFFIXES)


def _public_key_file(root: Path | None, source: str) -> bool:
    """The source is a file of the build context whose text starts as a public key does."""
    if root is None or not source or any(c in source for c in "*?[$"):
        return False
    path = root / source.lstrip("/")
    try:
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    return any(text.startswith(start) for start in _PUBLIC_KEY_STARTS)


RULES = (SecretInArgOrEnvName, SecretValue, SecretFileCopied)
