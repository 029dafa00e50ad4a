"""Multi-stage rules: stage names, references between stages, and what the final stage is.

BuildKit resolves stage names case-insensitively and builds only the stages the target
needs, so a wrong or stale reference is silently an image pull or a dead stage.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import Diagnostic, DockerfileContext, Edit, Fix, Fixable, Rule, Severity, Span
from linter.dockerfile.ast import Dockerfile, Instruction, Stage
from linter.records import record
from linter.targets import DockerfileRule, InstructionRule, StageRule

from ._dockerfile_words import (
    closest,
    effective,
    mount_from,
    resolve_from,
    stage_chain,
    strip_quotes,
)


class StageNameCasing(StageRule):
    code = "DF200"
    name = "stage-name-casing"
    tags = ("style", "multi-stage")
    severity = Severity.WARNING
    summary = "A stage name is not lower case"
    description = (
        "BuildKit compares stage names case-insensitively and warns about names with upper "
        "case letters (StageNameCasing): `COPY --from=Build` and `--target build` refer to "
        "the same stage, which surprises readers. The fix lower-cases the name; references "
        "keep working because they are compared without case."
    )
    bad = "FROM golang:1.23 AS Build\nRUN go build -o /out/app .\n"
    good = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
    fixable = Fixable.ALWAYS
    aliases = ("StageNameCasing",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        if stage.name is None or stage.name_span is None or stage.name == stage.name.lower():
            return
        fix = Fix("Lower-case the stage name", (Edit(stage.name_span, stage.name.lower()),))
        yield self.report(
            context.path, stage.name_span, f"stage name '{stage.name}' should be lowercase", fix=fix
        )


class DuplicateStageName(StageRule):
    code = "DF201"
    name = "duplicate-stage-name"
    tags = ("multi-stage",)
    severity = Severity.ERROR
    summary = "Two stages have the same name"
    description = (
        "Stage names must be unique (compared without case): BuildKit refuses the file "
        "with `duplicate stage name`, and older builders silently used one of them for "
        "`COPY --from`. Rename one of the stages."
    )
    bad = "FROM node:22 AS build\nRUN npm ci\nFROM node:22 AS build\nRUN npm run build\n"
    good = "FROM node:22 AS deps\nRUN npm ci\nFROM node:22 AS build\nRUN npm run build\n"
    aliases = ("DL3024", "DuplicateStageName", "CKV_DOCKER_11")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        if stage.name is None or stage.name_span is None:
            return
        key = stage.name.lower()
        earlier = context.dockerfile.stages[: stage.index]
        first = next((s for s in earlier if s.name is not None and s.name.lower() == key), None)
        if first is not None:
            yield self.report(
                context.path,
                stage.name_span,
                f"duplicate stage name '{stage.name}': also used on line "
                f"{first.from_instruction.line}",
            )


class ReservedStageName(StageRule):
    code = "DF202"
    name = "reserved-stage-name"
    tags = ("multi-stage",)
    severity = Severity.WARNING
    summary = "A stage is named `scratch` or `context`"
    description = (
        "`scratch` is the empty base image and `context` is the build context in "
        "`COPY --from` and `RUN --mount from=`. A stage with one of these names makes such "
        "references ambiguous; BuildKit warns (ReservedStageName). Pick another name."
    )
    bad = "FROM alpine:3.20 AS scratch\nRUN echo hi > /hi\n"
    good = "FROM alpine:3.20 AS base\nRUN echo hi > /hi\n"
    aliases = ("DL3063", "ReservedStageName")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        if (
            stage.name is not None
            and stage.name_span is not None
            and stage.name.lower() in {"scratch", "context"}
        ):
            yield self.report(
                context.path,
                stage.name_span,
                f"'{stage.name}' is reserved and should not be a stage name",
            )


@record
class _FromRef:
    """A ``--from=`` (COPY/ADD) or ``from=`` (RUN --mount) in a stage."""

    stage: Stage
    instruction: Instruction
    value: str
    span: Span  # the flag
    value_span: Span | None


def _references(dockerfile: Dockerfile) -> Iterator[_FromRef]:
    for stage in dockerfile.stages:
        for outer in stage.instructions:
            yield from _references_of(effective(outer), stage)


def _references_of(instruction: Instruction, stage: Stage | None) -> Iterator[_FromRef]:
    """The stage references of one instruction of ``stage`` (none before the first FROM)."""
    if stage is None:
        return
    if instruction.keyword in {"COPY", "ADD"}:
        flag = instruction.flag("from")
        if flag is not None and flag.value:
            yield _FromRef(stage, instruction, strip_quotes(flag.value), flag.span, flag.value_span)
    elif instruction.keyword == "RUN":
        for value, span in mount_from(instruction):
            yield _FromRef(stage, instruction, value, span, None)


class _ReferenceRule(InstructionRule):
    """A rule on each ``--from`` of COPY/ADD and ``from=`` of RUN --mount (ONBUILD's too)."""

    keywords = frozenset({"COPY", "ADD", "RUN"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        for ref in _references_of(instruction, context.stage_of(instruction)):
            yield from self.check_reference(ref, context)

    def check_reference(self, ref: _FromRef, context: DockerfileContext) -> Iterator[Diagnostic]:
        raise NotImplementedError


def _looks_like_image(value: str) -> bool:
    return any(char in value for char in ":/@.") or "$" in value


class CopyFromUnknownStage(_ReferenceRule):
    code = "DF203"
    name = "copy-from-unknown-stage"
    tags = ("multi-stage", "reference")
    severity = Severity.WARNING
    summary = "`COPY --from` names no earlier stage"
    description = (
        "`--from=name` refers to an earlier stage; when no earlier stage has that name, "
        "Docker takes it for an image and tries to pull `docker.io/library/name`, which is "
        "usually a typo or a stage defined later in the file. Values that look like images "
        "(with a tag, digest, registry or path) are left alone. Also checks "
        "`RUN --mount from=`."
    )
    bad = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=builder /out/app /app\n"
    )
    good = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n"
        "COPY --from=busybox:1.36 /bin/busybox /busybox\n"
    )
    aliases = ("DL3022",)

    def check_reference(self, ref: _FromRef, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        value = ref.value
        if _looks_like_image(value) or value.lower() in {"scratch", "context"}:
            return
        if resolve_from(dockerfile, value, before=ref.stage.index + 1) is not None:
            return
        later = resolve_from(dockerfile, value)
        if value.isdigit():
            message = f"--from={value}: there is no stage {value} before this one"
        elif later is not None:
            message = (
                f"--from={value} refers to a stage defined later (line "
                f"{later.from_instruction.line}): stages can only use earlier ones"
            )
        else:
            message = f"--from={value}: no earlier stage has this name"
            names = [s.name for s in dockerfile.stages[: ref.stage.index] if s.name]
            close = closest(value, names)
            if close:
                message += f" (did you mean {close}?)"
            else:
                message += f"; Docker will pull the image '{value}'"
        yield self.report(context.path, ref.span, message)


class CopyFromCurrentStage(_ReferenceRule):
    code = "DF204"
    name = "copy-from-current-stage"
    tags = ("multi-stage", "reference")
    severity = Severity.ERROR
    summary = "`COPY --from` names the stage it is in"
    description = (
        "A stage cannot copy from itself: the files do not exist yet, and BuildKit reports "
        "a circular dependency. Copy from the stage that produced the files, or use a "
        "plain `COPY` or `RUN cp` inside the stage."
    )
    bad = "FROM node:22 AS build\nCOPY --from=build /app/dist /srv\n"
    good = (
        "FROM node:22 AS build\nRUN npm run build\n"
        "FROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    )
    aliases = ("DL3023",)

    def check_reference(self, ref: _FromRef, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = ref.stage
        same_name = stage.name is not None and ref.value.lower() == stage.name.lower()
        same_index = ref.value.isdigit() and int(ref.value) == stage.index
        if same_name or same_index:
            yield self.report(
                context.path, ref.span, f"--from={ref.value} refers to the current stage"
            )


class CopyWholeFilesystem(InstructionRule):
    code = "DF205"
    name = "copy-whole-stage-filesystem"
    tags = ("multi-stage", "layer-bloat")
    severity = Severity.WARNING
    summary = "`COPY --from=stage / /` copies a whole file system"
    description = (
        "Copying `/` of an earlier stage onto `/` brings every file of that stage (its "
        "package caches, compilers, shells and the base image's files) into this one, "
        "which defeats the point of a multi-stage build and can overwrite system files. "
        "Copy only the artefacts you need. `COPY --from=<image> / /` of an external image "
        "is not reported: the linter cannot know what that image holds, and some images "
        "are bundles of binaries made to be copied whole (a docker CLI image, a static "
        "tool set)."
    )
    bad = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build / /\n"
    )
    good = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n"
    )
    aliases = ("DL3067",)
    keywords = frozenset({"COPY"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None or instruction.flag("from") is None:
            return
        paths = _copy_paths(instruction)
        if len(paths) != 2 or not all(strip_quotes(p) == "/" for p in paths):
            return
        name = _earlier_stage_name(context.dockerfile, stage, instruction)
        if name is not None:
            yield self.report(
                context.path,
                instruction.span,
                f"copying the whole file system of stage '{name}'; copy only the "
                "artefacts you need",
            )


def _earlier_stage_name(
    dockerfile: Dockerfile, stage: Stage, instruction: Instruction
) -> str | None:
    """The ``--from`` value when it names an earlier stage of this Dockerfile (whose content
    is known to be a full base image plus a build), else None (an external image)."""
    flag = instruction.flag("from")
    value = strip_quotes(flag.value) if flag is not None and flag.value else ""
    earlier = dockerfile.stages[: stage.index]
    if any(
        (s.name is not None and s.name.lower() == value.lower())
        or (value.isdigit() and int(value) == s.index)
        for s in earlier
    ):
        return value
    return None


def _copy_paths(instruction: Instruction) -> list[str]:
    if instruction.json_args is not None:
        return list(instruction.json_args)
    return [word.text for word in instruction.words]


class NumericCopyFrom(_ReferenceRule):
    code = "DF206"
    name = "numeric-stage-reference"
    tags = ("multi-stage", "reference")
    severity = Severity.INFO
    summary = "A stage is referred to by its index"
    description = (
        "`COPY --from=0` refers to the first stage by position: adding or reordering a "
        "stage silently changes what is copied. Name the stage (`FROM ... AS build`) and "
        "refer to the name. When the stage has a name, the fix uses it."
    )
    bad = (
        "FROM golang:1.23\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=0 /out/app /app\n"
    )
    good = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n"
    )
    fixable = Fixable.SOMETIMES

    def check_reference(self, ref: _FromRef, context: DockerfileContext) -> Iterator[Diagnostic]:
        if not ref.value.isdigit():
            return
        target = resolve_from(context.dockerfile, ref.value, before=ref.stage.index)
        if target is None:
            return  # DF203 / DF204 report it
        fix = None
        if target.name and ref.value_span is not None:
            fix = Fix(f"Use the stage name '{target.name}'", (Edit(ref.value_span, target.name),))
        hint = (
            f"use its name '{target.name}'"
            if target.name
            else f"name it (FROM ... AS <name>, line {target.from_instruction.line})"
        )
        yield self.report(
            context.path, ref.span, f"stage referred to by index {ref.value}: {hint}", fix=fix
        )


def _used_stages(dockerfile: Dockerfile) -> set[int]:
    """Stages some other stage builds FROM, copies from or mounts."""
    used: set[int] = set()
    for stage in dockerfile.stages:
        if stage.base_stage is not None and stage.base_stage != stage.index:
            used.add(stage.base_stage)
    for ref in _references(dockerfile):
        target = resolve_from(dockerfile, ref.value)
        if target is not None and target.index != ref.stage.index:
            used.add(target.index)
    return used


def _unused(dockerfile: Dockerfile) -> Iterator[Stage]:
    if len(dockerfile.stages) < 2:
        return
    used = _used_stages(dockerfile)
    for stage in dockerfile.stages[:-1]:
        if stage.index not in used:
            yield stage


class UnusedStage(DockerfileRule):
    code = "DF207"
    name = "unused-stage"
    tags = ("multi-stage",)
    severity = Severity.INFO
    summary = "An unnamed stage is never used"
    description = (
        "BuildKit only builds the stages the target needs. A stage without a name that is "
        "not the last one, and that no `FROM`, `COPY --from` or `RUN --mount from=` uses, "
        "can never be built (`--target` needs a name): it is dead code, often left over "
        "from a refactor, or a sign that a `COPY --from` points at the wrong stage."
    )
    bad = (
        "FROM node:22\nRUN npm ci && npm run build\n"
        "FROM nginx:1.27\nCOPY dist /usr/share/nginx/html\n"
    )
    good = (
        "FROM node:22 AS build\nRUN npm ci && npm run build\n"
        "FROM nginx:1.27\nCOPY --from=build /dist /usr/share/nginx/html\n"
    )

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for stage in _unused(context.dockerfile):
            if stage.name is None:
                yield self.report(
                    context.path,
                    stage.from_instruction.keyword_span,
                    f"stage {stage.index} is never used by a later stage and, having no "
                    "name, cannot be built with --target",
                )


class UnreferencedNamedStage(DockerfileRule):
    code = "DF208"
    name = "unreferenced-named-stage"
    tags = ("multi-stage",)
    severity = Severity.INFO
    summary = "A named stage is not used by the default build"
    description = (
        "A named stage that is not the last one and that no other stage uses is only built "
        "with `--target name`. That is deliberate for `dev` or `test` targets, and dead code "
        "otherwise. Off by default; turn it on to find stale stages."
    )
    bad = (
        "FROM node:22 AS build\nRUN npm ci && npm run build\n"
        "FROM nginx:1.27\nCOPY dist /usr/share/nginx/html\n"
    )
    good = (
        "FROM node:22 AS build\nRUN npm ci && npm run build\n"
        "FROM nginx:1.27\nCOPY --from=build /dist /usr/share/nginx/html\n"
    )
    enabled_by_default = False

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        for stage in _unused(context.dockerfile):
            if stage.name is not None and stage.name_span is not None:
                yield self.report(
                    context.path,
                    stage.name_span,
                    f"stage '{stage.name}' is not used by the final stage: it is only built "
                    f"with --target {stage.name}",
                )


# Images that hold a compiler or SDK, by the last component of the repository.
_SDK_REPOSITORIES = frozenset(
    {
        "golang",
        "rust",
        "maven",
        "gradle",
        "gcc",
        "buildpack-deps",
        "sbt",
        "clojure",
        "haskell",
        "swift",
    }
)
_JDK_REPOSITORIES = frozenset(
    {"openjdk", "eclipse-temurin", "amazoncorretto", "ibmjava", "sapmachine"}
)


def _is_sdk_image(repository: str, tag: str | None) -> bool:
    repository = repository.lower()
    if repository.endswith("dotnet/sdk") or repository.endswith("dotnet/core/sdk"):
        return True
    last = repository.rsplit("/", 1)[-1]
    if last == "buildpack-deps" and (tag or "").lower().endswith(("-scm", "-curl")):
        return False  # the curl and scm variants hold no compiler (official golang image)
    if last in _SDK_REPOSITORIES:
        return True
    if last in _JDK_REPOSITORIES:
        lowered = (tag or "").lower()
        if last == "openjdk":
            return "jre" not in lowered
        return "jdk" in lowered
    return False


class FinalStageOnSdk(DockerfileRule):
    code = "DF209"
    name = "final-stage-sdk-image"
    tags = ("multi-stage", "layer-bloat", "security")
    severity = Severity.WARNING
    summary = "The final stage runs on a compiler/SDK image although a build stage exists"
    description = (
        "The point of a builder stage is to ship only its output on a small runtime image. "
        "When the final stage copies from a builder but is itself based on `golang`, `rust`, "
        "`maven`, `gradle`, `gcc`, a JDK or `dotnet/sdk`, the image still carries the whole "
        "toolchain: hundreds of megabytes and a much larger attack surface. Base the final "
        "stage on a runtime image (distroless, `alpine`, a JRE, `dotnet/aspnet`)."
    )
    bad = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        'FROM golang:1.23\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]\n'
    )
    good = (
        "FROM golang:1.23 AS build\nRUN go build -o /out/app .\n"
        "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n"
        'ENTRYPOINT ["/app"]\n'
    )

    def check(self, context: DockerfileContext) -> Iterator[Diagnostic]:
        dockerfile = context.dockerfile
        if len(dockerfile.stages) < 2:
            return
        final = dockerfile.stages[-1]
        chain = stage_chain(dockerfile, final)
        root = chain[-1]
        image = root.image
        if image is None or root.base_stage is not None or "$" in image.resolved:
            return
        if not _is_sdk_image(image.repository, image.tag):
            return
        own = {stage.index for stage in chain}
        copies_from_builder = False
        for ref in _references(dockerfile):
            if ref.stage.index not in own:
                continue
            target = resolve_from(dockerfile, ref.value)
            if target is not None and target.index not in own:
                copies_from_builder = True
        if not copies_from_builder:
            return
        span = final.image.span if final.image is not None else final.from_instruction.span
        yield self.report(
            context.path,
            span,
            f"the final stage is based on the build image '{image.text}' while it copies "
            "from a build stage: use a runtime image",
        )


RULES: tuple[type[Rule], ...] = (
    StageNameCasing,
    DuplicateStageName,
    ReservedStageName,
    CopyFromUnknownStage,
    CopyFromCurrentStage,
    CopyWholeFilesystem,
    NumericCopyFrom,
    UnusedStage,
    UnreferencedNamedStage,
    FinalStageOnSdk,
)
