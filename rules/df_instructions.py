"""Best-practice rules for single instructions: WORKDIR, EXPOSE, CMD/ENTRYPOINT, ADD, COPY,
ENV, MAINTAINER, USER, ONBUILD and HEALTHCHECK.

Each rule checks what Docker does with the instruction's arguments (which value wins, what
gets expanded, what BuildKit rejects), reading words and key/value pairs from the AST.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator

from linter import (
    Applicability,
    Diagnostic,
    DockerfileContext,
    Edit,
    Fix,
    Fixable,
    Rule,
    Severity,
    Span,
)
from linter.dockerfile.ast import Dockerfile, Instruction, Stage
from linter.dockerfile.variables import Locator
from linter.targets import DockerfileRule, InstructionRule, StageRule

from ._dockerfile_words import (
    PREDEFINED_ARGS,
    closest,
    is_legacy_key_value,
    stage_chain,
    strip_quotes,
    variable_refs,
    word_span,
)

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "$", "\\")) or bool(_WINDOWS_DRIVE.match(path))


def _chain_instructions(dockerfile: Dockerfile, stage: Stage) -> Iterator[Instruction]:
    """Instructions of the stages this one is built on, oldest first, then its own."""
    for ancestor in reversed(stage_chain(dockerfile, stage)):
        yield from ancestor.instructions


class WorkdirRelative(StageRule):
    code = "DF550"
    name = "workdir-relative-path"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "WORKDIR is relative to a directory the Dockerfile never set"
    description = (
        "A relative `WORKDIR` is resolved against the current working directory, which "
        "comes from the base image until a `WORKDIR` with an absolute path sets it. Its "
        "result then depends on a base image you do not control. Use an absolute path; a "
        "relative one after an absolute `WORKDIR` in the same stage is fine."
    )
    bad = "FROM python:3.12-slim\nWORKDIR app\nCOPY . .\n"
    good = "FROM python:3.12-slim\nWORKDIR /app\nWORKDIR src\nCOPY . .\n"
    aliases = ("DL3000", "WorkdirRelativePath", "CKV_DOCKER_10")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        absolute_seen = any(
            i.keyword == "WORKDIR" and i.words and _is_absolute(strip_quotes(i.words[0].text))
            for ancestor in stage_chain(dockerfile, stage)[1:]
            for i in ancestor.instructions
        )
        for instruction in stage.instructions:
            if instruction.keyword != "WORKDIR" or not instruction.words:
                continue
            path = strip_quotes(instruction.arguments)
            if _is_absolute(path):
                absolute_seen = True
                continue
            if absolute_seen:
                continue
            yield self.report(
                context.path,
                instruction.arguments_span or instruction.span,
                f"relative WORKDIR '{path}' depends on the base image's working "
                "directory: use an absolute path",
            )


def _split_port(text: str) -> tuple[str, str | None]:
    port, slash, proto = text.partition("/")
    return port, (proto if slash else None)


class ExposeInvalidPort(InstructionRule):
    code = "DF551"
    name = "expose-invalid-port"
    tags = ("best-practice", "syntax")
    severity = Severity.ERROR
    summary = "EXPOSE names a port outside 0-65535 or not a number"
    description = (
        "Ports are numbers from 0 to 65535, optionally a range `8000-8010`, optionally with "
        "`/tcp` or `/udp`. Anything else fails the build (`invalid containerPort`). "
        "Variables are left alone."
    )
    bad = "FROM nginx:1.27\nEXPOSE 80 443 80800\n"
    good = "FROM nginx:1.27\nEXPOSE 80 443/tcp 8000-8010\n"
    aliases = ("DL3011",)

    keywords = frozenset({"EXPOSE"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        for word in instruction.words:
            text = strip_quotes(word.text)
            port, _proto = _split_port(text)
            if "$" in text or ":" in port:
                continue  # variables; host mappings are DF553
            bounds = port.split("-")
            if len(bounds) > 2 or not all(b.isdigit() for b in bounds):
                yield self.report(
                    context.path, word.span, f"'{text}' is not a valid port or port range"
                )
            elif any(int(b) > 65535 for b in bounds):
                yield self.report(
                    context.path,
                    word.span,
                    f"port {port} is out of range: ports go from 0 to 65535",
                )
            elif len(bounds) == 2 and int(bounds[0]) > int(bounds[1]):
                yield self.report(
                    context.path, word.span, f"port range {port} ends before it starts"
                )


class ExposeProtoCasing(InstructionRule):
    code = "DF552"
    name = "expose-protocol-casing"
    tags = ("style",)
    severity = Severity.WARNING
    summary = "The EXPOSE protocol is not lower case"
    description = (
        "Docker writes protocols as `tcp`, `udp` and `sctp`. BuildKit warns about `80/TCP` "
        "(ExposeProtoCasing) and tools reading the image config may not match it. The fix "
        "lower-cases the protocol."
    )
    bad = "FROM nginx:1.27\nEXPOSE 80/TCP\n"
    good = "FROM nginx:1.27\nEXPOSE 80/tcp\n"
    fixable = Fixable.ALWAYS
    aliases = ("ExposeProtoCasing",)

    keywords = frozenset({"EXPOSE"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        for word in instruction.words:
            port, proto = _split_port(word.text)
            if proto is None or proto == proto.lower() or "$" in proto:
                continue
            span = word_span(word, len(port) + 1, len(word.text))
            fix = Fix("Lower-case the protocol", (Edit(span, proto.lower()),))
            yield self.report(
                context.path, span, f"protocol '{proto}' should be lowercase", fix=fix
            )


class ExposeInvalidFormat(InstructionRule):
    code = "DF553"
    name = "expose-host-mapping"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "EXPOSE contains an IP address or a host port mapping"
    description = (
        "`EXPOSE` only documents the ports the container listens on. An IP address or a "
        "`host:container` mapping does nothing there (publishing is decided by "
        "`docker run -p` or compose `ports:`), and BuildKit warns it will become an error."
    )
    bad = "FROM nginx:1.27\nEXPOSE 8080:80\n"
    good = "FROM nginx:1.27\nEXPOSE 80\n"
    aliases = ("ExposeInvalidFormat",)

    keywords = frozenset({"EXPOSE"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        for word in instruction.words:
            port, _proto = _split_port(strip_quotes(word.text))
            if ":" in port:
                yield self.report(
                    context.path,
                    word.span,
                    f"EXPOSE '{word.text}' should not define an IP address or host port "
                    "mapping: publish ports with docker run -p or compose ports:",
                )


_SINGLE_INSTRUCTIONS = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


class MultipleInstructions(StageRule):
    code = "DF554"
    name = "multiple-cmd-entrypoint-healthcheck"
    tags = ("best-practice", "reliability")
    severity = Severity.WARNING
    summary = "A stage has more than one CMD, ENTRYPOINT or HEALTHCHECK"
    description = (
        "Only the last `CMD`, `ENTRYPOINT` and `HEALTHCHECK` of a stage take effect; the "
        "earlier ones are silently ignored, which is rarely what the author meant (to run "
        "two processes, use a supervisor or two containers). Each ignored instruction is "
        "reported."
    )
    bad = 'FROM node:22-alpine\nCMD ["node", "worker.js"]\nCMD ["node", "server.js"]\n'
    good = 'FROM node:22-alpine\nCMD ["node", "server.js"]\n'
    aliases = ("DL4003", "DL4004", "DL3012", "MultipleInstructionsDisallowed")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        for keyword in _SINGLE_INSTRUCTIONS:
            found = [i for i in stage.instructions if i.keyword == keyword]
            last = found[-1] if found else None
            for instruction in found[:-1]:
                assert last is not None
                yield self.report(
                    context.path,
                    instruction.keyword_span,
                    f"multiple {keyword} instructions in one stage: this one is "
                    f"overridden by line {last.line}",
                )


_ARCHIVE_SUFFIXES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".z",
    ".tar.z",
    ".tb2",
    ".tz2",
)
_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})


def _sources_and_dest(instruction: Instruction) -> tuple[list[str], str | None, Span | None]:
    """COPY/ADD sources (as written), the destination and its span (None when absent)."""
    if instruction.json_args is not None:
        items = list(instruction.json_args)
        if len(items) < 2:
            return items, None, None
        return items[:-1], items[-1], instruction.arguments_span
    words = list(instruction.words)
    heredoc_markers = {h.marker_span for h in instruction.heredocs}
    if len(words) < 2:
        return [w.text for w in words], None, None
    sources = [w.text for w in words[:-1]]
    sources = [
        s for s, w in zip(sources, words[:-1], strict=True) if w.span not in heredoc_markers
    ] + ["<<heredoc"] * sum(1 for w in words[:-1] if w.span in heredoc_markers)
    return sources, words[-1].text, words[-1].span


def _is_url(source: str) -> bool:
    lowered = source.lower()
    return (
        lowered.startswith(("http://", "https://", "git@", "git://"))
        or lowered.endswith(".git")
        or ".git#" in lowered
    )


class AddForPlainFiles(InstructionRule):
    code = "DF555"
    name = "add-instead-of-copy"
    tags = ("best-practice", "security")
    severity = Severity.WARNING
    summary = "ADD is used for plain local files"
    description = (
        "`ADD` also downloads URLs and unpacks local archives, so using it for plain files "
        "hides what the instruction does and may unpack a file you meant to copy as is. "
        "Use `COPY` unless a source is a URL, a git repository or an archive to extract. "
        "The fix (unsafe: ADD detects archives by content, not by name) writes COPY."
    )
    bad = "FROM python:3.12-slim\nADD requirements.txt /app/\n"
    good = (
        "FROM python:3.12-slim\nCOPY requirements.txt /app/\n"
        "ADD https://example.com/tool-1.2.tar.gz /opt/\nADD vendor.tar.gz /opt/vendor/\n"
    )
    fixable = Fixable.SOMETIMES
    aliases = ("DL3020",)

    keywords = frozenset({"ADD"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if instruction.heredocs:
            return
        sources, dest, _span = _sources_and_dest(instruction)
        if dest is None or not sources:
            return
        plain = [
            s
            for s in sources
            if not _is_url(strip_quotes(s))
            and not strip_quotes(s).lower().endswith(_ARCHIVE_SUFFIXES)
        ]
        if len(plain) != len(sources):
            return
        fix = None
        if not any(flag.name in _ADD_ONLY_FLAGS for flag in instruction.flags):
            text = "copy" if instruction.raw_keyword.islower() else "COPY"
            fix = Fix("Use COPY", (Edit(instruction.keyword_span, text),), Applicability.UNSAFE)
        yield self.report(
            context.path,
            instruction.keyword_span,
            "use COPY instead of ADD for files and folders",
            fix=fix,
        )


class CopyDestinationSlash(InstructionRule):
    code = "DF556"
    name = "copy-multiple-sources-destination"
    tags = ("best-practice", "syntax")
    severity = Severity.ERROR
    summary = "COPY with several sources needs a destination ending in /"
    description = (
        "With more than one source, `COPY` and `ADD` need a directory as destination, "
        "written with a trailing `/`; otherwise the build fails with `When using COPY with "
        "more than one source file, the destination must be a directory and end with a /`. "
        "The fix adds the slash."
    )
    bad = "FROM node:22-alpine\nCOPY package.json package-lock.json /app\n"
    good = "FROM node:22-alpine\nCOPY package.json package-lock.json /app/\n"
    fixable = Fixable.SOMETIMES
    aliases = ("DL3021",)

    keywords = frozenset({"COPY", "ADD"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        sources, dest, span = _sources_and_dest(instruction)
        if dest is None or span is None or len(sources) < 2:
            return
        plain_dest = strip_quotes(dest)
        if plain_dest.endswith(("/", "\\")) or "$" in plain_dest:
            return
        fix = None
        if instruction.json_args is None and not dest.endswith(("'", '"')):
            fix = Fix("Add a trailing /", (Edit(Span(span.end, span.end), "/"),))
        yield self.report(
            context.path,
            span,
            f"{instruction.keyword} with more than one source needs a destination "
            f"ending in '/': '{plain_dest}'",
            fix=fix,
        )


_SHELL_META = set("$`'\"\\|&;<>()*?[]{}~#!\n\t=")


def _has_explicit_shell(dockerfile: Dockerfile, stage: Stage, before: Instruction) -> bool:
    for instruction in _chain_instructions(dockerfile, stage):
        if instruction is before:
            return False
        if instruction.keyword == "SHELL":
            return True
    return False


class ShellFormCommand(InstructionRule):
    code = "DF557"
    name = "shell-form-cmd"
    tags = ("best-practice", "reliability")
    severity = Severity.WARNING
    summary = "CMD or ENTRYPOINT uses the shell form"
    description = (
        "In shell form (`CMD node server.js`) the container's main process is `/bin/sh -c`, "
        "which does not forward SIGTERM: `docker stop` waits 10 seconds and kills the app "
        "without a clean shutdown, and a shell-form ENTRYPOINT ignores the CMD and `docker "
        'run` arguments. Use the exec form `CMD ["node", "server.js"]`. Not reported '
        "when the stage sets an explicit SHELL (as BuildKit does), nor when the command "
        "starts the program with `exec`. A command that needs the shell (variable "
        "expansion, `&&`, pipes, redirections, globs) would break in JSON form: there the "
        "advice is to keep the shell form and put `exec` in front of the program (or to "
        'write `["sh", "-c", "exec ..."]`), and no fix is offered. Otherwise the '
        "fix is offered when the split into words is certain; it is unsafe because signal "
        "handling changes."
    )
    bad = "FROM node:22-alpine\nWORKDIR /app\nCMD node server.js\n"
    good = 'FROM node:22-alpine\nWORKDIR /app\nCMD ["node", "server.js"]\n'
    fixable = Fixable.SOMETIMES
    aliases = ("DL3025", "JSONArgsRecommended")

    keywords = frozenset({"CMD", "ENTRYPOINT"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None or instruction.json_args is not None or not instruction.words:
            return
        if _has_explicit_shell(context.dockerfile, stage, instruction):
            return
        texts = [word.text for word in instruction.words]
        execs = _execs(texts)
        if execs and instruction.keyword == "CMD":
            return  # ``exec`` replaces the shell: the program gets the signals
        span = instruction.arguments_span or instruction.span
        needs = _shell_feature(instruction.arguments)
        if needs is not None and instruction.keyword == "ENTRYPOINT":
            signals = "" if execs else ", and does not pass SIGTERM on"
            yield self.report(
                context.path,
                span,
                "shell-form ENTRYPOINT runs under /bin/sh -c: it ignores CMD and the "
                f"arguments of `docker run`{signals}; it needs the shell ({needs}), so "
                'a plain JSON array would break it: write ["sh", "-c", '
                '"exec ... \\"$@\\"", "sh"] to keep the shell and pass the '
                "arguments on",
            )
            return
        if needs is not None:
            yield self.report(
                context.path,
                span,
                f"shell-form {instruction.keyword} runs under /bin/sh -c, which does "
                f"not pass SIGTERM on; it needs the shell ({needs}), so keep the shell "
                "form and start the program with `exec` (or write "
                '["sh", "-c", "exec ..."]) so that it replaces the shell',
            )
            return
        yield self.report(
            context.path,
            span,
            f"shell-form {instruction.keyword} runs under /bin/sh -c, which does not "
            "pass SIGTERM on: write it as a JSON array so the program gets signals",
            fix=_exec_form_fix(instruction),
        )


_SHELL_FEATURES: tuple[tuple[str, str], ...] = (
    ("$", "variable expansion"),
    ("`", "command substitution"),
    ("&&", "`&&`"),
    ("||", "`||`"),
    ("|", "a pipe"),
    (";", "`;`"),
    (">", "a redirection"),
    ("<", "a redirection"),
    ("*", "a glob"),
    ("~", "`~`"),
)


def _shell_feature(arguments: str) -> str | None:
    """What a shell-form command needs the shell for, if anything: JSON form would break it."""
    for token, label in _SHELL_FEATURES:
        if token in arguments:
            return label
    return None


def _execs(texts: list[str]) -> bool:
    """``exec prog`` (alone or as the last command of a list) replaces the shell."""
    if texts and texts[0] == "exec":
        return True
    return any(
        (text == "&&" or text.endswith(";")) and following == "exec"
        for text, following in itertools.pairwise(texts)
    )


def _exec_form_fix(instruction: Instruction) -> Fix | None:
    texts = [word.text for word in instruction.words]
    if any(char in _SHELL_META for text in texts for char in text):
        return None
    if instruction.arguments_span is None:
        return None
    return Fix(
        "Use the exec form",
        (Edit(instruction.arguments_span, json.dumps(texts)),),
        Applicability.UNSAFE,
    )


class OnbuildForbidden(InstructionRule):
    code = "DF558"
    name = "onbuild-forbidden-trigger"
    tags = ("syntax",)
    severity = Severity.ERROR
    summary = "ONBUILD wraps ONBUILD, FROM or MAINTAINER"
    description = (
        "`ONBUILD` registers an instruction to run in images built FROM this one. Chaining "
        "`ONBUILD ONBUILD` is not allowed, and `ONBUILD FROM` / `ONBUILD MAINTAINER` are "
        "rejected by the builder."
    )
    bad = "FROM node:22\nONBUILD FROM alpine:3.20\n"
    good = "FROM node:22\nONBUILD COPY package.json /app/\n"
    aliases = ("DL3043",)

    keywords = frozenset({"ONBUILD"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        inner = instruction.onbuild
        if inner is not None and inner.keyword in {"ONBUILD", "FROM", "MAINTAINER"}:
            yield self.report(
                context.path,
                inner.keyword_span,
                f"{inner.keyword} is not allowed inside ONBUILD",
            )


def _declared_before(dockerfile: Dockerfile, stage: Stage, until: Instruction) -> set[str]:
    names: set[str] = set()
    for instruction in _chain_instructions(dockerfile, stage):
        if instruction is until:
            break
        if instruction.keyword in {"ARG", "ENV"}:
            names |= {pair.key for pair in instruction.key_values}
    return names


class EnvSelfReference(InstructionRule):
    code = "DF559"
    name = "env-self-reference"
    tags = ("best-practice", "reliability")
    severity = Severity.ERROR
    summary = "ENV uses a variable set earlier in the same instruction"
    description = (
        "All variables of one `ENV` are expanded with the values from before the "
        "instruction, so in `ENV A=/opt B=$A/bin` the `$A` is empty (or its previous value). "
        "Split it into two `ENV` instructions."
    )
    bad = "FROM debian:12\nENV APP_HOME=/opt/app APP_BIN=$APP_HOME/bin\n"
    good = "FROM debian:12\nENV APP_HOME=/opt/app\nENV APP_BIN=$APP_HOME/bin\n"
    aliases = ("DL3044",)

    keywords = frozenset({"ENV"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None or len(instruction.key_values) < 2:
            return
        dockerfile = context.dockerfile
        before = _declared_before(dockerfile, stage, instruction)
        earlier: set[str] = set()
        for pair in instruction.key_values:
            raw = pair.raw_value if pair.raw_value is not None else (pair.value or "")
            for ref in variable_refs(raw, dockerfile.escape):
                if ref.name in earlier and ref.name not in before:
                    yield self.report(
                        context.path,
                        pair.span,
                        f"'{ref.name}' is set in this same ENV: its new value is "
                        f"not visible here; split the ENV",
                    )
                    break
            earlier.add(pair.key)


class CopyRelativeDestination(StageRule):
    code = "DF560"
    name = "copy-relative-destination"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "COPY to a relative path before any WORKDIR"
    description = (
        "A relative `COPY` destination is resolved against the working directory, which "
        "comes from the base image until the stage sets `WORKDIR`. Set `WORKDIR` first or "
        "use an absolute destination, so the files land where the rest of the Dockerfile "
        "expects them."
    )
    bad = "FROM node:22-alpine\nCOPY package.json .\nRUN npm ci\n"
    good = "FROM node:22-alpine\nWORKDIR /app\nCOPY package.json .\nRUN npm ci\n"
    aliases = ("DL3045",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        workdir = any(
            i.keyword == "WORKDIR"
            for ancestor in stage_chain(context.dockerfile, stage)[1:]
            for i in ancestor.instructions
        )
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR":
                workdir = True
            if instruction.keyword != "COPY" or workdir:
                continue
            _sources, dest, span = _sources_and_dest(instruction)
            if dest is None or span is None or _is_absolute(strip_quotes(dest)):
                continue
            yield self.report(
                context.path,
                span,
                f"COPY to the relative path '{strip_quotes(dest)}' without a WORKDIR",
            )


class MaintainerDeprecated(InstructionRule):
    code = "DF561"
    name = "maintainer-deprecated"
    tags = ("best-practice",)
    severity = Severity.WARNING
    summary = "MAINTAINER is deprecated"
    description = (
        "`MAINTAINER` has been deprecated since Docker 1.13; the author belongs in the "
        "standard OCI label `org.opencontainers.image.authors`, which registries and tools "
        "read. The fix rewrites the instruction as that LABEL."
    )
    bad = "FROM debian:12\nMAINTAINER Jane Doe <jane@example.com>\n"
    good = 'FROM debian:12\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'
    fixable = Fixable.SOMETIMES
    aliases = ("DL4000", "MaintainerDeprecated", "CKV_DOCKER_6")

    keywords = frozenset({"MAINTAINER"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        yield self.report(
            context.path,
            instruction.keyword_span,
            "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors",
            fix=_maintainer_fix(context.dockerfile, instruction),
        )


def _maintainer_fix(dockerfile: Dockerfile, instruction: Instruction) -> Fix | None:
    if instruction.arguments_span is None or len(instruction.argument_lines) != 1:
        return None
    value = instruction.arguments  # MAINTAINER takes its text literally
    if dockerfile.escape in value or "$" in value:
        return None
    keyword = "label" if instruction.raw_keyword.islower() else "LABEL"
    quoted = value.replace('"', '\\"')
    text = f'{keyword} org.opencontainers.image.authors="{quoted}"'
    span = Span(instruction.keyword_span.start, instruction.arguments_span.end)
    return Fix("Use the org.opencontainers.image.authors label", (Edit(span, text),))


class NonNumericUser(InstructionRule):
    code = "DF562"
    name = "non-numeric-user"
    tags = ("security",)
    severity = Severity.INFO
    summary = "USER names a user instead of a numeric UID"
    description = (
        "A user name is resolved inside the image, but platforms that enforce non-root "
        "containers (Kubernetes `runAsNonRoot`) can only verify a numeric UID, and a name "
        "may map to different IDs on the host. Prefer `USER 10001:10001`. Off by default: "
        "official images commonly use names such as `USER node`."
    )
    bad = "FROM node:22-alpine\nUSER node\n"
    good = "FROM node:22-alpine\nUSER 1000:1000\n"
    aliases = ("DL3066",)
    enabled_by_default = False

    keywords = frozenset({"USER"})

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not instruction.words:
            return
        user = strip_quotes(instruction.words[0].text).split(":", 1)[0]
        if not user or user.isdigit() or "$" in user:
            return
        yield self.report(
            context.path,
            instruction.words[0].span,
            f"non-numeric user '{user}' may not be resolvable by the host "
            "or verifiable as non-root",
        )


_PLAIN_VALUE = re.compile(r"^[^\s\"'\\`]*$")


class LegacyKeyValue(InstructionRule):
    code = "DF563"
    name = "legacy-key-value-format"
    tags = ("style",)
    severity = Severity.WARNING
    summary = "ENV or LABEL uses the legacy `key value` form"
    description = (
        "`ENV key value` (without `=`) is the legacy form: it sets exactly one variable to "
        "the rest of the line, so `ENV A 1 B 2` sets A to `1 B 2`. BuildKit warns about it "
        "(LegacyKeyValueFormat). Write `ENV key=value`, quoting values with spaces; the fix "
        "does that when the value is plain enough to rewrite safely."
    )
    bad = "FROM python:3.12-slim\nENV PYTHONUNBUFFERED 1\n"
    good = "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\n"
    fixable = Fixable.SOMETIMES
    aliases = ("LegacyKeyValueFormat",)

    keywords = frozenset({"ENV", "LABEL"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not is_legacy_key_value(instruction) or len(instruction.words) < 2:
            return
        yield self.report(
            context.path,
            context.outer_of(instruction).span,
            f'"{instruction.keyword} key=value" should be used instead of the legacy '
            f'"{instruction.keyword} key value" format',
            fix=_key_value_fix(instruction),
        )


def _key_value_fix(instruction: Instruction) -> Fix | None:
    words = instruction.words
    if instruction.arguments_span is None or len(instruction.argument_lines) != 1:
        return None
    key = words[0]
    rest = instruction.arguments[len(key.text) :].lstrip()
    if len(words) == 2:
        value = words[1].text
    elif _PLAIN_VALUE.match(rest.replace(" ", "")) and "$" not in rest:
        value = f'"{rest}"'
    else:
        return None
    span = Span(key.span.start, instruction.arguments_span.end)
    return Fix("Use key=value", (Edit(span, f"{key.text}={value}"),))


_EXPANDED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
_WELL_KNOWN_ENV = frozenset({"PATH", "HOME", "HOSTNAME", "PWD", "USER", "LANG", "TERM"})


class UndefinedVariable(StageRule):
    code = "DF564"
    name = "undefined-variable"
    tags = ("best-practice", "reliability")
    severity = Severity.WARNING
    summary = "A variable is used but never defined"
    description = (
        "Instructions such as `COPY`, `ENV`, `WORKDIR` and `LABEL` expand `$VAR` at build "
        "time; an undefined variable becomes an empty string without a word. The base "
        "image's environment is not known without pulling it, so shiplint only reports a "
        "name that is not defined when the stage is built on `scratch`, or a name that is "
        "a near miss of a declared ARG or ENV (a typo). Shell-form RUN, CMD and ENTRYPOINT "
        "are left to the shell, as in BuildKit."
    )
    bad = "FROM alpine:3.20\nARG APP_HOME=/srv/app\nWORKDIR $APP_HOEM\n"
    good = "FROM alpine:3.20\nARG APP_HOME=/srv/app\nWORKDIR $APP_HOME\n"
    aliases = ("UndefinedVar",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        global_names = {pair.key for pair in dockerfile.global_args}
        chain = stage_chain(dockerfile, stage)
        root = chain[-1]
        on_scratch = root.base_stage is None and root.image is not None and root.image.is_scratch
        defined: set[str] = set()
        for ancestor in reversed(chain[1:]):
            defined |= {
                p.key for i in ancestor.instructions if i.keyword == "ENV" for p in i.key_values
            }
        for instruction in stage.instructions:
            if instruction.keyword in _EXPANDED:
                yield from self._check_instruction(
                    context, instruction, defined, global_names, on_scratch
                )
            if instruction.keyword in {"ARG", "ENV"}:
                defined |= {pair.key for pair in instruction.key_values}

    def _check_instruction(
        self,
        context: DockerfileContext,
        instruction: Instruction,
        defined: set[str],
        global_names: set[str],
        on_scratch: bool,
    ) -> Iterator[Diagnostic]:
        locator = Locator(instruction.argument_lines)
        texts: list[tuple[str, Span | None]] = [(instruction.arguments, None)]
        texts += [
            (flag.value, flag.value_span)
            for flag in instruction.flags
            if flag.value
            and flag.value_span is not None
            and flag.name in {"chown", "chmod", "from"}
        ]
        if instruction.keyword in {"COPY", "ADD"} and instruction.heredocs:
            texts = texts[1:]
        known = defined | PREDEFINED_ARGS | _WELL_KNOWN_ENV
        candidates = sorted(defined - PREDEFINED_ARGS)
        for text, span in texts:
            for ref in variable_refs(text, context.dockerfile.escape):
                if ref.name in known or ref.name in global_names or ref.has_default:
                    continue
                close = closest(ref.name, candidates, 0.8)
                if not close and not on_scratch:
                    continue
                where = locator.span(ref.start, ref.end) if span is None else span
                message = f"usage of undefined variable '${ref.name}'"
                if close:
                    message += f" (did you mean ${close}?)"
                yield self.report(context.path, where, message)


class HealthcheckMissing(DockerfileRule):
    code = "DF565"
    name = "healthcheck-missing"
    tags = ("reliability",)
    severity = Severity.INFO
    summary = "The final image has no HEALTHCHECK"
    description = (
        "Without a `HEALTHCHECK`, Docker and orchestrators only know whether the process "
        "runs, not whether it answers. Off by default: many platforms (Kubernetes) ignore "
        "the image HEALTHCHECK and define probes themselves, and compose may define it. "
        "Only the final stage is checked; `HEALTHCHECK NONE` counts as a decision."
    )
    bad = "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n"
    good = (
        "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\n"
        "HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1\n"
    )
    aliases = ("DL3057", "CKV_DOCKER_2")
    enabled_by_default = False

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        if not dockerfile.stages:
            return
        final = dockerfile.stages[-1]
        if any(i.keyword == "HEALTHCHECK" for i in _chain_instructions(dockerfile, final)):
            return
        yield self.report(
            context.path, final.from_instruction.keyword_span, "the final stage has no HEALTHCHECK"
        )


RULES: tuple[type[Rule], ...] = (
    WorkdirRelative,
    ExposeInvalidPort,
    ExposeProtoCasing,
    ExposeInvalidFormat,
    MultipleInstructions,
    AddForPlainFiles,
    CopyDestinationSlash,
    ShellFormCommand,
    OnbuildForbidden,
    EnvSelfReference,
    CopyRelativeDestination,
    MaintainerDeprecated,
    NonNumericUser,
    LegacyKeyValue,
    UndefinedVariable,
    HealthcheckMissing,
)
