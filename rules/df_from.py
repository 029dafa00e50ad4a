"""FROM placement rules: what may precede FROM, how FROM is written, and global ARG scope.

A Dockerfile's global ARGs (before the first FROM) only feed the FROM lines; inside a stage
they are empty until declared again. Most rules here follow from that one BuildKit fact.
"""

from __future__ import annotations

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
from linter.dockerfile.ast import Instruction, Stage
from linter.dockerfile.variables import Locator
from linter.patterns import lazy_compile
from linter.targets import DockerfileRule, StageRule

from ._dockerfile_words import (
    AUTOMATIC_PLATFORM_ARGS,
    PREDEFINED_ARGS,
    VarRef,
    closest,
    unquote,
    variable_refs,
)


class InstructionBeforeFrom(DockerfileRule):
    code = "DF100"
    name = "instruction-before-from"
    tags = ("from-placement",)
    severity = Severity.ERROR
    summary = "Only ARG may come before the first FROM"
    description = (
        "A Dockerfile must start with `FROM` (after optional parser directives, comments and "
        "global `ARG`s). Any other instruction before it is a build error: "
        "`no build stage in current context`."
    )
    bad = 'WORKDIR /app\nFROM alpine:3.20\nCMD ["sh"]\n'
    good = "ARG ALPINE_VERSION=3.20\nFROM alpine:${ALPINE_VERSION}\nWORKDIR /app\n"
    aliases = ("DL3061",)

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for instruction in context.dockerfile.instructions:
            if instruction.stage_index is not None:
                break
            if instruction.keyword != "ARG":
                yield self.report(
                    context.path,
                    instruction.keyword_span,
                    f"{instruction.keyword} before the first FROM: only ARG, comments and "
                    "parser directives may come first",
                )


class FromAsCasing(StageRule):
    code = "DF101"
    name = "from-as-casing"
    tags = ("style", "from-placement")
    severity = Severity.WARNING
    summary = "The AS keyword is not cased like FROM"
    description = (
        "`FROM image as name` mixes an upper-case instruction with a lower-case keyword. "
        "BuildKit warns about it (FromAsCasing); write `AS` with `FROM` and `as` with "
        "`from`. The fix rewrites the keyword."
    )
    bad = "FROM golang:1.23 as build\nRUN go build -o /out/app .\n"
    good = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
    fixable = Fixable.ALWAYS
    aliases = ("FromAsCasing",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        instruction = stage.from_instruction
        if len(instruction.words) < 3 or instruction.words[1].text.lower() != "as":
            return
        keyword = instruction.raw_keyword
        as_word = instruction.words[1]
        if keyword.isupper() and not as_word.text.isupper():
            wanted = "AS"
        elif keyword.islower() and not as_word.text.islower():
            wanted = "as"
        else:
            return
        fix = Fix(f"Write {wanted}", (Edit(as_word.span, wanted),))
        yield self.report(
            context.path,
            as_word.span,
            f"'{as_word.text}' is not written in the same case as '{keyword}'; write both alike",
            fix=fix,
        )


def _global_arg_names(context: DockerfileContext) -> list[str]:
    return [pair.key for pair in context.dockerfile.global_args]


# A dev container template option (`${templateOption:imageVariant}`): the devcontainer CLI
# replaces it when the template is applied, before any build. BuildKit itself would reject the
# `:i` modifier, so "expands to nothing" or "invalid image" describes neither case: the file is
# a template, like `Dockerfile.template`, and its FROM is judged only once rendered.
_TEMPLATE_OPTION = "${templateOption:"


def _template_args(context: DockerfileContext) -> set[str]:
    """Global ARGs whose default is (or holds) a dev container template option."""
    return {
        pair.key
        for pair in context.dockerfile.global_args
        if pair.value is not None and _TEMPLATE_OPTION in pair.value
    }


def _from_variable_words(stage: Stage) -> Iterator[tuple[str, Span]]:
    """The FROM texts that BuildKit expands: the image word and the --platform value."""
    instruction = stage.from_instruction
    if instruction.words:
        yield instruction.words[0].text, instruction.words[0].span
    platform = instruction.flag("platform")
    if platform is not None and platform.value and platform.value_span is not None:
        yield platform.value, platform.value_span


class UndefinedArgInFrom(StageRule):
    code = "DF102"
    name = "undefined-arg-in-from"
    tags = ("from-placement",)
    severity = Severity.WARNING
    summary = "FROM uses a variable no global ARG declares"
    description = (
        "Variables in `FROM` come only from `ARG`s declared before the first `FROM` (and "
        "BuildKit's automatic platform ARGs). Anything else expands to an empty string, so "
        "`FROM node:${NODE_VERSON}` silently becomes `FROM node:` or pulls the wrong image. "
        "The message suggests the closest declared name. A dev container template option "
        "(`${templateOption:imageVariant}`) is not reported: the devcontainer CLI fills it in "
        "before any build."
    )
    bad = 'ARG NODE_VERSION=22\nFROM node:${NODE_VERSON}-alpine\nCMD ["node"]\n'
    good = 'ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-alpine\nCMD ["node"]\n'
    aliases = ("UndefinedArgInFrom",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        declared = _global_arg_names(context)
        known = set(declared) | AUTOMATIC_PLATFORM_ARGS
        escape = context.dockerfile.escape
        for text, span in _from_variable_words(stage):
            for ref in variable_refs(text, escape):
                if ref.name in known or (ref.name == "templateOption" and _TEMPLATE_OPTION in text):
                    continue
                message = (
                    f"'{ref.name}' is used in FROM but no ARG before the first FROM "
                    "declares it, so it expands to nothing"
                )
                close = closest(ref.name, [*declared, *AUTOMATIC_PLATFORM_ARGS])
                if close:
                    message += f" (did you mean {close}?)"
                yield self.report(context.path, _ref_span(span, text, ref), message)


def _ref_span(span: Span, text: str, ref: VarRef) -> Span:
    if span.start.line == span.end.line and span.end.column - span.start.column == len(text):
        return Span.of(
            span.start.line,
            span.start.column + ref.start,
            span.start.line,
            span.start.column + ref.end,
        )
    return span


_NAME_COMPONENT = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_HOST_PART = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_DOMAIN = rf"(?:{_HOST_PART}(?:\.{_HOST_PART})*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)"
_REFERENCE = lazy_compile(
    rf"^(?:{_DOMAIN}/)?{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


def is_valid_reference(text: str) -> bool:
    """Whether ``text`` is a syntactically valid image reference (distribution/reference)."""
    return bool(_REFERENCE.match(text))


class InvalidDefaultArgInFrom(StageRule):
    code = "DF103"
    name = "invalid-default-arg-in-from"
    tags = ("from-placement",)
    severity = Severity.WARNING
    summary = "With the ARG defaults, the FROM image is empty or invalid"
    description = (
        "When `FROM` is built from global ARGs, their defaults should give a valid image: "
        "`ARG TAG` without a default makes `FROM alpine:${TAG}` read `alpine:`, which fails "
        "unless every build passes `--build-arg TAG=...`. Give the ARG a sensible default. "
        "An ARG whose default is a dev container template option "
        "(`ARG VARIANT=${templateOption:imageVariant}`) is not reported: the file is a template "
        "that the devcontainer CLI renders before any build."
    )
    bad = 'ARG TAG\nFROM alpine:${TAG}\nCMD ["sh"]\n'
    good = 'ARG TAG=3.20\nFROM alpine:${TAG}\nCMD ["sh"]\n'
    aliases = ("InvalidDefaultArgInFrom",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        declared = set(_global_arg_names(context))
        templated = _template_args(context)
        escape = context.dockerfile.escape
        image = stage.image
        if image is None:
            return
        refs = variable_refs(image.text, escape)
        if not refs or any(ref.name not in declared for ref in refs):
            return  # no variables, or an undeclared one (DF102 reports it)
        if any(ref.name in templated for ref in refs):
            return  # a dev container template: judged once the option is filled in
        resolved = image.resolved
        if "$" in resolved:
            return  # automatic platform ARGs are only known at build time
        if resolved and (
            is_valid_reference(resolved) or context.dockerfile.stage_by_name(resolved) is not None
        ):
            return
        shown = resolved or "an empty name"
        yield self.report(
            context.path,
            image.span,
            f"default value for global ARGs results in an invalid base image: {shown!r}"
            if resolved
            else f"default value for global ARGs results in {shown}: give the ARG a default",
        )


_PLATFORM_WORDS = (
    "linux",
    "windows",
    "darwin",
    "freebsd",
    "amd64",
    "arm64",
    "arm",
    "386",
    "ppc64le",
    "s390x",
    "riscv64",
    "x86_64",
    "aarch64",
)


class ConstantPlatform(StageRule):
    code = "DF104"
    name = "from-platform-constant"
    tags = ("from-placement",)
    severity = Severity.WARNING
    summary = "FROM --platform is set to a constant"
    description = (
        "`FROM --platform=linux/amd64` pins the stage to one platform, so a multi-platform "
        "build (or a build on an arm64 laptop) emulates or produces the wrong architecture. "
        "Use `--platform=$BUILDPLATFORM` for stages that cross-compile, or leave it out. "
        "Like BuildKit, a stage whose name says the platform (`build-amd64`) is allowed, "
        "and variables other than the platform ARGs are left alone."
    )
    bad = 'FROM --platform=linux/amd64 debian:12\nCMD ["bash"]\n'
    good = (
        "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nARG TARGETOS TARGETARCH\n"
        "RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n"
    )
    aliases = ("DL3029", "FromPlatformFlagConstDisallowed")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        flag = stage.from_instruction.flag("platform")
        if flag is None or not flag.value or "$" in flag.value:
            return
        value = unquote(flag.value).lower()
        stage_name = (stage.name or "").lower()
        parts = [part for part in re.split(r"[/,]", value) if part]
        if stage_name and any(part in stage_name for part in parts[:2]):
            return
        yield self.report(
            context.path,
            flag.span,
            f"FROM --platform flag should not use a constant value ({flag.value!r})",
        )


_TARGET_PLATFORM = {"$TARGETPLATFORM", "${TARGETPLATFORM}"}


class RedundantTargetPlatform(StageRule):
    code = "DF105"
    name = "redundant-target-platform"
    tags = ("from-placement",)
    severity = Severity.WARNING
    summary = "FROM --platform=$TARGETPLATFORM is the default"
    description = (
        "A stage is built for the target platform unless told otherwise, so "
        "`--platform=$TARGETPLATFORM` changes nothing and suggests a cross-compilation setup "
        "that is not there (the useful value is `$BUILDPLATFORM`). The fix removes the flag."
    )
    bad = 'FROM --platform=$TARGETPLATFORM alpine:3.20\nCMD ["sh"]\n'
    good = 'FROM alpine:3.20\nCMD ["sh"]\n'
    fixable = Fixable.SOMETIMES
    aliases = ("DL3065", "RedundantTargetPlatform")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        instruction = stage.from_instruction
        flag = instruction.flag("platform")
        if flag is None or flag.value is None or flag.value.strip() not in _TARGET_PLATFORM:
            return
        yield self.report(
            context.path,
            flag.span,
            "setting platform to $TARGETPLATFORM in FROM is redundant, as it is the default",
            fix=_remove_flag(instruction, flag.span),
        )


def _remove_flag(instruction: Instruction, span: Span) -> Fix | None:
    following = [w.span.start for w in instruction.words if w.span.start > span.end]
    following += [f.span.start for f in instruction.flags if f.span.start > span.end]
    if not following:
        return None
    end = min(following)
    if end.line != span.start.line:
        return None
    return Fix("Remove the --platform flag", (Edit(Span(span.start, end), ""),), Applicability.SAFE)


# Variables a stage may use without declaring them: set by Docker or the shell.
_ALWAYS_SET = PREDEFINED_ARGS | frozenset({"HOME", "PATH", "HOSTNAME", "PWD", "SHELL", "USER"})
_SCANNED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "RUN", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)


class GlobalArgNotRedeclared(StageRule):
    code = "DF106"
    name = "global-arg-not-redeclared"
    tags = ("from-placement", "reliability")
    severity = Severity.WARNING
    summary = "A global ARG is used inside a stage without being declared there"
    description = (
        "An `ARG` declared before the first `FROM` is only in scope for the `FROM` lines. "
        "Inside a stage it is empty until the stage declares it again with `ARG NAME` (no "
        "value needed: the global default is inherited). So `ARG VERSION=1.2` then "
        "`RUN curl .../v${VERSION}/...` downloads `/v/`. Add `ARG NAME` after `FROM`."
    )
    bad = (
        "ARG APP_VERSION=1.4.2\nFROM alpine:3.20\n"
        "RUN wget -q https://example.com/app-${APP_VERSION}.tar.gz\n"
    )
    good = (
        "ARG APP_VERSION=1.4.2\nFROM alpine:3.20\nARG APP_VERSION\n"
        "RUN wget -q https://example.com/app-${APP_VERSION}.tar.gz\n"
    )
    aliases = ()

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        global_names = {pair.key for pair in dockerfile.global_args} - _ALWAYS_SET
        if not global_names:
            return
        defined: set[str] = set()
        for parent_index in _ancestors(dockerfile.stages, stage):
            defined |= _env_names(dockerfile.stages[parent_index])
        reported: set[str] = set()
        for instruction in stage.instructions:
            if instruction.keyword in {"ARG", "ENV"}:
                # ENV A=$A and ARG A=$A read the value before defining it
                yield from self._uses(context, instruction, global_names - defined, reported)
                defined |= {pair.key for pair in instruction.key_values}
                continue
            if instruction.keyword not in _SCANNED:
                continue
            yield from self._uses(context, instruction, global_names - defined, reported)

    def _uses(
        self,
        context: DockerfileContext,
        instruction: Instruction,
        names: set[str],
        reported: set[str],
    ) -> Iterator[Diagnostic]:
        if not names:
            return
        escape = context.dockerfile.escape if instruction.keyword != "RUN" else "\\"
        locator = Locator(instruction.argument_lines)
        assigned = _shell_assigned(instruction) if instruction.keyword == "RUN" else set()
        for ref in variable_refs(instruction.arguments, escape):
            if ref.name not in names or ref.name in reported or ref.name in assigned:
                continue
            reported.add(ref.name)
            yield self.report(
                context.path,
                locator.span(ref.start, ref.end),
                f"global ARG '{ref.name}' is empty in this stage: declare it again with "
                f"'ARG {ref.name}' after FROM",
            )


def _ancestors(stages: tuple[Stage, ...], stage: Stage) -> list[int]:
    found = []
    current = stage.base_stage
    while current is not None and current not in found:
        found.append(current)
        current = stages[current].base_stage
    return found


def _env_names(stage: Stage) -> set[str]:
    """Names set by ENV in a stage (they carry over to stages built FROM it)."""
    return {pair.key for i in stage.instructions if i.keyword == "ENV" for pair in i.key_values}


def _shell_assigned(instruction: Instruction) -> set[str]:
    """Names a RUN assigns itself (``NAME=x``, ``for NAME in``, ``read NAME``, ``export``)."""
    names: set[str] = set()
    words = [word.text for word in instruction.words]
    for index, text in enumerate(words):
        name, equal, _value = text.partition("=")
        if equal and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            names.add(name)
        if text in {"for", "read", "export", "local", "declare"} and index + 1 < len(words):
            names.add(words[index + 1].split("=", 1)[0])
    return names


RULES: tuple[type[Rule], ...] = (
    InstructionBeforeFrom,
    FromAsCasing,
    UndefinedArgInFrom,
    InvalidDefaultArgInFrom,
    ConstantPlatform,
    RedundantTargetPlatform,
    GlobalArgNotRedeclared,
)
