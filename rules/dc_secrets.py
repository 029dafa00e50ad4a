"""Compose secret rules (DC330-DC332): credentials written in the compose file.

In a service's environment or command line, in a connection URL, or passed as a build
argument. Each rule names the compose-lint check it matches (CL-xxxx aliases), so
compose-lint users can select, ignore and suppress with the ids they know.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import ComposeContext, Diagnostic, ServiceRule, Severity
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, Node, ScalarNode

from ._command_secrets import Found, command_lines, command_urls, text_span
from ._compose_values import key_value_entries, scalar_text, sub_span
from ._secrets import (
    consumed_key_sentinel,
    literal_default,
    literal_secret_value,
    secret_key,
    token_format,
    url_credential,
    url_password,
)


def _sources(context: ComposeContext) -> dict[str, str]:
    """The text of each file of the project by path, read once per project: a command line's
    spans are exact only against the text as written."""
    return context.cache(
        "dc_secrets.sources", lambda: {file.path: file.source for file in context.project.files}
    )


class SecretInEnvironment(ServiceRule):
    code = "DC330"
    name = "secret-in-environment"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A credential is written literally in the service's environment or command line"
    description = (
        "A password, token or key written in the compose file ends up in version control, in "
        "`docker inspect` and in every log that dumps the environment; on a command line it "
        "is also in `ps` and `/proc/<pid>/cmdline`, readable by every user in the container. "
        "In `environment` it is recognised by name (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, "
        "`*_API_KEY`, ...) and by value format (AWS, GitHub, GitLab, npm, Slack, Stripe tokens, "
        "private keys, JWTs). In `command`, `entrypoint`, `healthcheck.test` and the "
        "`post_start`/`pre_stop` hooks' `command` (and in the scripts they pass to `sh -c`, "
        "`CMD-SHELL` or `su -c`) it is recognised by option "
        "(`--password=x`, `--token x`, `--api-key x`, redis `--requirepass x` and "
        "`--masterauth x`, `redis-cli -a x`, mysql `-px`), by `PGPASSWORD=x`-style "
        "assignments using the same names, and by value format. Values taken from "
        "`${VARIABLES}` or the container's shell (`$${VAR}`, `$$(cat /run/secrets/x)`), "
        "`*_FILE` keys and `--*-file` options pointing at compose `secrets` are fine, and so "
        "are names that say who logs in or how (`*_USER`, `*_USERNAME`, `*_KEY_ID`, "
        "`*_CREDENTIALS_SOURCE`), etcd's cluster identifier (`ETCD_INITIAL_CLUSTER_TOKEN`, "
        "`--initial-cluster-token`), and values that only mark where a secret goes: empty, "
        "`<your-token>`, `{{ token }}`, `xxx`, `***`, all zeros. Words such as `changeme`, "
        "`dummy` or `change-me-in-production` are still reported: deployed as written they "
        "are working credentials that everybody who reads the file knows. The exception is "
        "an API key the stack hands to an outside service (`*_API_KEY`, `*_API_SECRET`) set "
        "to a word that marks it absent: `dummy`, `invalid`, `disabled`, `none`, `unset` "
        "(a telemetry exporter's `API_KEY: dummy`; mailcow's `${API_KEY:-invalid}`, which "
        "its entrypoint skips, installing no key): no service accepts such a key, so nothing "
        "is disclosed, whereas `POSTGRES_PASSWORD: changeme` sets the password a server of "
        "the stack then accepts. Known token "
        "formats are reported whatever the name. A password inside a "
        "`scheme://user:password@host` URL is DC331's; `host:port@port` forms such as "
        "mitmproxy's `reverse:https://host:443@8443` are not URLs with a password."
    )
    bad = (
        "services:\n  db:\n    image: postgres:17\n    environment:\n"
        "      POSTGRES_PASSWORD: hunter2\n"
    )
    good = (
        "services:\n  db:\n    image: postgres:17\n    environment:\n"
        "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets: [db_password]\n"
        "secrets:\n  db_password:\n    file: ./db_password.txt\n"
    )
    aliases = ("CL-0020",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        yield from self._environment(service)
        yield from self._command_lines(service, _sources(context))

    def _command_lines(self, service: Service, sources: dict[str, str]) -> Iterator[Diagnostic]:
        for field, found in command_lines(service):
            for item in found:
                span = text_span(item.node, item.start, item.end, sources.get(item.node.path))
                yield self.report(item.node.path, span, _command_message(service.name, field, item))

    def _environment(self, service: Service) -> Iterator[Diagnostic]:
        node = service.get("environment")
        for entry in key_value_entries(node):
            if entry.value is None:
                continue
            written = _written(entry.node)
            if "$" in written:
                default = literal_default(written)
                if (
                    default is not None
                    and secret_key(entry.key)
                    and literal_secret_value(default)
                    and not consumed_key_sentinel(entry.key, default)
                ):
                    yield self.report(
                        entry.node.path,
                        entry.value_span,
                        f"service '{service.name}' gives {entry.key} a default credential "
                        "written in the file, used whenever the variable is unset; drop the "
                        "default (`${VAR:?set VAR}`) or use a compose secret",
                    )
                continue
            fmt = token_format(entry.value)
            if fmt is None and not (secret_key(entry.key) and literal_secret_value(entry.value)):
                continue
            if fmt is None and consumed_key_sentinel(entry.key, entry.value):
                continue
            if fmt is None and url_password(entry.value):
                continue  # DC331 reports the password inside the URL
            what = fmt or "a credential"
            yield self.report(
                entry.node.path,
                entry.value_span,
                f"service '{service.name}' sets {entry.key} to {what} written in the file; "
                f"use a compose secret ({entry.key}_FILE) or a ${{VARIABLE}} from the environment",
            )


def _command_message(service: str, field: str, found: Found) -> str:
    where = f"in `{field}` of service '{service}'"
    if found.kind == "default":
        return (
            f"{found.option} {where} has a default credential written in the file, used "
            "whenever the variable is unset; drop the default (`${VAR:?set VAR}`) or use a "
            "compose secret"
        )
    fix = (
        "read it from a compose secret (a `--*-file` option or "
        "`$$(cat /run/secrets/NAME)`) or from a variable set in `.env`"
    )
    if found.kind == "literal":
        return f"{found.option} is given a literal credential {where}; {fix}"
    after = f" after {found.option}" if found.option else ""
    return f"{found.kind} is written{after} {where}; {fix}"


def _written(node: Node) -> str:
    return node.text if isinstance(node, ScalarNode) else ""


class CredentialsInUrl(ServiceRule):
    code = "DC331"
    name = "credentials-in-url"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A connection string in the environment or on a command line has a literal password"
    description = (
        "`postgres://user:password@db/app`, `redis://:password@cache` and friends put the "
        "password in the compose file, in `docker inspect` and in logs that print the URL; on "
        "a command line (`command`, `entrypoint`, `healthcheck.test`, lifecycle hooks, and the "
        "scripts they run through `sh -c`, `CMD-SHELL` or `su -c`) it is also in `ps` and "
        "`/proc/<pid>/cmdline`. Build the URL from `${VARIABLES}` (or `$${VAR}` from the "
        "container's environment), or let the application read the password from a compose "
        "secret. A default such as `${DB_PASS:-app}` is a password written in the file too "
        "(the value is read as written: a password that `.env` supplies is not reported)."
    )
    bad = (
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4\n    environment:\n"
        "      DATABASE_URL: postgres://app:s3cret@db:5432/app\n"
    )
    good = (
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4\n    environment:\n"
        "      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n"
    )
    aliases = ("CL-0021",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        yield from self._environment(service)
        yield from self._command_lines(service, _sources(context))

    def _command_lines(self, service: Service, sources: dict[str, str]) -> Iterator[Diagnostic]:
        for field, found in command_urls(service):
            for item in found:
                span = text_span(item.node, item.start, item.end, sources.get(item.node.path))
                where = f"in `{field}` of service '{service.name}'"
                if item.kind == "default":
                    message = (
                        f"the {item.option}:// URL {where} has a default password written "
                        "in the file, used whenever the variable is unset; drop the "
                        "default (`${VAR:?set VAR}`) or use a compose secret"
                    )
                else:
                    message = (
                        f"the {item.option}:// URL {where} has a literal password; "
                        "build it from a ${VARIABLE}, `$${VAR}` or a secret"
                    )
                yield self.report(item.node.path, span, message)

    def _environment(self, service: Service) -> Iterator[Diagnostic]:
        for entry in key_value_entries(service.get("environment")):
            node = entry.node
            if entry.value is None or not isinstance(node, ScalarNode):
                continue
            # Read the text as written: a password that came from ${VAR} is not in the file,
            # but the default of ${VAR:-default} is.
            prefix = len(entry.key) + 1 if scalar_text(node) != entry.value else 0
            found = url_credential(node.text[prefix:])
            if found is None:
                continue
            span = sub_span(node, prefix + found.start, prefix + found.end)
            if found.kind == "literal":
                yield self.report(
                    node.path,
                    span,
                    f"service '{service.name}' has a literal password in the {found.scheme}:// "
                    f"URL of {entry.key}; build it from a ${{VARIABLE}} or a secret",
                )
                continue
            yield self.report(
                node.path,
                span,
                f"service '{service.name}' gives the {found.scheme}:// URL of {entry.key} a "
                "default password written in the file, used whenever the variable is unset; "
                "drop the default (`${VAR:?set VAR}`) or use a compose secret",
            )


class SecretBuildArg(ServiceRule):
    code = "DC332"
    name = "secret-in-build-args"
    tags = ("security",)
    severity = Severity.WARNING
    summary = "A credential is passed to the build as a build argument"
    description = (
        "Build arguments are recorded in the image's history and metadata (`docker history`, "
        "provenance attestations): anyone who can pull the image can read them, even when "
        "the value comes from a variable. Pass credentials as build secrets "
        "(`build.secrets` and `RUN --mount=type=secret`)."
    )
    bad = (
        "services:\n  app:\n    build:\n      context: .\n      args:\n"
        "        NPM_TOKEN: ${NPM_TOKEN}\n"
    )
    good = (
        "services:\n  app:\n    build:\n      context: .\n      secrets: [npm_token]\n"
        "secrets:\n  npm_token:\n    environment: NPM_TOKEN\n"
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        build = service.get("build")
        if not isinstance(build, MappingNode):
            return
        for entry in key_value_entries(build.get("args")):
            if not secret_key(entry.key) and not (entry.value and token_format(entry.value)):
                continue
            if (
                entry.value is not None
                and "$" not in _written(entry.node)
                and (not literal_secret_value(entry.value))
            ):
                continue
            yield self.report(
                entry.node.path,
                entry.key_span,
                f"service '{service.name}' passes {entry.key} as a build argument: it is "
                "stored in the image's history; use a build secret",
            )


RULES = (
    SecretInEnvironment,
    CredentialsInUrl,
    SecretBuildArg,
)
