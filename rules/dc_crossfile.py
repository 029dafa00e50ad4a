"""Cross-file rules (DC6xx): a compose service's ``build:`` against the Dockerfile it builds.

Compose and the Dockerfile are usually edited by different people at different times; these
rules catch the drift: a context or Dockerfile that moved, a target stage that was renamed,
build args and secrets that one side passes and the other never reads, ports that disagree.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from linter import BuildLink, ComposeContext, Diagnostic, Severity, Span
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.dockerfile.ast import Dockerfile, Instruction, Stage
from linter.records import record
from linter.targets import BuildLinkRule

from ._compose_values import key_value_entries, parse_port, scalar_text
from ._dockerfile_words import PREDEFINED_ARGS, stage_chain


def _is_builtin_arg(name: str) -> bool:
    """A build arg every build accepts without an ARG (proxies) or that BuildKit sets itself."""
    return name in PREDEFINED_ARGS or name.startswith("BUILDKIT_")


# ---------------------------------------------------------------------------------------------
# Reading the Dockerfile side


@record
class ArgDecl:
    name: str
    has_default: bool
    instruction: Instruction


def arg_declarations(instruction: Instruction) -> list[ArgDecl]:
    """``ARG A B=1``: each name, and whether it has a default."""
    found = []
    for word in instruction.words:
        name, sep, _ = word.text.partition("=")
        name = name.strip("\"'")
        if name:
            found.append(ArgDecl(name, bool(sep), instruction))
    return found


def mount_options(instruction: Instruction) -> Iterator[dict[str, str]]:
    """The ``--mount=`` options of a RUN as key/value mappings."""
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        options: dict[str, str] = {}
        for field in flag.value.split(","):
            key, _, value = field.partition("=")
            options[key.strip().lower()] = value.strip().strip("\"'")
        yield options


def secret_id(options: dict[str, str]) -> str | None:
    """The id of a secret mount: ``id=``, else the base name of its target."""
    if options.get("type") != "secret":
        return None
    if options.get("id"):
        return options["id"]
    target = options.get("target") or options.get("dst") or options.get("destination")
    return posixpath.basename(target.rstrip("/")) if target else None


def _stage_ref(dockerfile: Dockerfile, ref: str) -> Stage | None:
    if ref.isdigit():
        index = int(ref)
        return dockerfile.stages[index] if index < len(dockerfile.stages) else None
    return dockerfile.stage_by_name(ref)


def target_stage(dockerfile: Dockerfile, target: str | None) -> Stage | None:
    if not dockerfile.stages:
        return None
    if target is None:
        return dockerfile.stages[-1]
    return dockerfile.stage_by_name(target)


def built_stages(dockerfile: Dockerfile, target: Stage) -> list[Stage]:
    """The target and every stage it needs (base, ``COPY --from``, ``--mount from=``)."""
    seen: dict[int, Stage] = {}
    pending = [target]
    while pending:
        stage = pending.pop()
        if stage.index in seen:
            continue
        seen[stage.index] = stage
        if stage.base_stage is not None and stage.base_stage < len(dockerfile.stages):
            pending.append(dockerfile.stages[stage.base_stage])
        for instruction in stage.instructions:
            refs = []
            copy_from = instruction.flag("from") if instruction.keyword in ("COPY", "ADD") else None
            if copy_from and copy_from.value:
                refs.append(copy_from.value)
            if instruction.keyword == "RUN":
                refs.extend(o["from"] for o in mount_options(instruction) if o.get("from"))
            for ref in refs:
                found = _stage_ref(dockerfile, ref)
                if found is not None and found.index < stage.index:
                    pending.append(found)
    return [seen[index] for index in sorted(seen)]


_EXPOSE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?(?:/[A-Za-z]+)?$")


def exposed_ports(chain: list[Stage]) -> set[int] | None:
    """Ports EXPOSEd by the stage chain; None when a variable makes them unknowable."""
    ports: set[int] = set()
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword != "EXPOSE":
                continue
            for word in instruction.words:
                match = _EXPOSE.match(word.text.strip("\"'"))
                if match is None:
                    return None
                start = int(match.group(1))
                ports.update(range(start, int(match.group(2) or start) + 1))
    return ports


# ---------------------------------------------------------------------------------------------
# Reading the compose side


def _build_mapping(link: BuildLink) -> MappingNode | None:
    build = link.build_node
    return build if isinstance(build, MappingNode) else None


def _build_key_span(link: BuildLink) -> tuple[str, Span]:
    pair = link.service.node.pair("build")
    if pair is None:
        return link.service.path, link.service.key.span
    return pair.key.path, pair.key.span


def _target_name(link: BuildLink) -> tuple[str, Node] | None:
    build = _build_mapping(link)
    node = build.get("target") if build else None
    text = scalar_text(node)
    return (text, node) if text and node is not None else None


def _where(link: BuildLink, instruction: Instruction) -> str:
    base = Path(link.service.path).resolve().parent
    try:
        shown = os.path.relpath(link.dockerfile_path, base)
    except ValueError:
        shown = link.dockerfile_path.as_posix()
    return f"{Path(shown).as_posix()}:{instruction.line}"


def _built(link: BuildLink) -> tuple[Dockerfile, Stage] | None:
    """The Dockerfile of a build whose Dockerfile was read, with the stage compose builds."""
    if link.remote or link.dockerfile is None:
        return None
    name = _target_name(link)
    stage = target_stage(link.dockerfile, name[0] if name else None)
    return (link.dockerfile, stage) if stage is not None else None


# ---------------------------------------------------------------------------------------------
# Rules


class BuildContextMissing(BuildLinkRule):
    code = "DC601"
    name = "build-context-missing"
    severity = Severity.ERROR
    summary = "The build context folder does not exist"
    description = (
        "`build.context` (or `build: path`) is resolved against the compose file's folder. "
        "When that folder does not exist, `docker compose build` fails; it usually means "
        "the service folder was renamed or the compose file moved."
    )
    bad = {"compose.yaml": "services:\n  api:\n    build: ./api\n"}
    good = {
        "compose.yaml": "services:\n  api:\n    build: ./api\n",
        "api/Dockerfile": "FROM alpine:3.20\n",
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        if link.remote or link.context_dir.is_dir():
            return
        node = link.context_node or link.build_node
        path, span = (node.path, node.span) if node else _build_key_span(link)
        written = scalar_text(link.context_node) or "."
        yield self.report(
            path,
            span,
            f"service '{link.service.name}' builds from {written}, which does not exist",
        )


class DockerfileMissing(BuildLinkRule):
    code = "DC602"
    name = "build-dockerfile-missing"
    severity = Severity.ERROR
    summary = "The Dockerfile named by the build does not exist"
    description = (
        "`build.dockerfile` is resolved against the build context, not the compose file "
        "(defaults to `Dockerfile`). When there is no such file, the build fails. Check the "
        "path relative to the context, and the letter case on case-sensitive systems."
    )
    bad = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
        "      dockerfile: Dockerfile.prod\n",
        "Dockerfile": "FROM alpine:3.20\n",
    }
    good = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
        "      dockerfile: Dockerfile.prod\n",
        "Dockerfile.prod": "FROM alpine:3.20\n",
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        if link.remote or not link.context_dir.is_dir() or link.dockerfile_path.is_file():
            return
        node = link.dockerfile_node or link.context_node or link.build_node
        path, span = (node.path, node.span) if node else _build_key_span(link)
        relative = os.path.relpath(link.dockerfile_path, link.context_dir)
        yield self.report(
            path,
            span,
            f"service '{link.service.name}' builds with {Path(relative).as_posix()} in its "
            "context, which does not exist",
        )


class BuildTargetUnknown(BuildLinkRule):
    code = "DC603"
    name = "build-target-unknown"
    severity = Severity.ERROR
    summary = "The build target is not a stage of the Dockerfile"
    description = (
        "`build.target` must name a stage (`FROM ... AS name`) of the Dockerfile; otherwise "
        'the build fails with "target stage could not be found". Stage names are '
        "compared without regard to case, as BuildKit does."
    )
    bad = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      target: prod\n",
        "Dockerfile": "FROM alpine:3.20 AS build\nFROM alpine:3.20 AS runtime\n",
    }
    good = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      target: runtime\n",
        "Dockerfile": "FROM alpine:3.20 AS build\nFROM alpine:3.20 AS runtime\n",
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        found = _target_name(link)
        if link.dockerfile is None or found is None or not link.dockerfile.stages:
            return
        name, node = found
        if link.dockerfile.stage_by_name(name) is not None:
            return
        names = [s.name for s in link.dockerfile.stages if s.name]
        known = ", ".join(names) if names else "none: no stage is named"
        yield self.report(
            node.path,
            node.span,
            f"service '{link.service.name}' builds target '{name}', which is not a stage "
            f"of its Dockerfile (stages: {known})",
        )


def _may_inherit_args(dockerfile: Dockerfile) -> bool:
    """Does some stage build on an image whose ``ONBUILD ARG`` could consume build args?

    Docker Official Images (one-component names on Docker Hub) carry no ONBUILD triggers
    (the ``-onbuild`` variants were retired); ``scratch`` and the file's own stages cannot
    either. Anything else, or a reference left with a variable, might.
    """
    for stage in dockerfile.stages:
        image = stage.image
        if stage.base_stage is not None or image is None or image.is_scratch:
            continue
        if image.unresolved_variables or "$" in image.resolved:
            return True
        if image.registry not in (None, "docker.io", "index.docker.io"):
            return True
        if "/" in image.repository.removeprefix("library/"):
            return True
        if image.tag and "onbuild" in image.tag.lower():
            return True
    return False


class BuildArgNotDeclared(BuildLinkRule):
    code = "DC604"
    name = "build-arg-not-declared"
    severity = Severity.WARNING
    summary = "A build arg is passed that the Dockerfile never declares"
    description = (
        "A build argument reaches the build only through an `ARG` instruction. One that the "
        "Dockerfile never declares is ignored (BuildKit warns and moves on), usually a typo "
        "or an ARG that was renamed. Proxy variables and `BUILDKIT_*` are exempt. A base "
        "image can declare the arg for its children with `ONBUILD ARG` (the `cypress/factory` "
        "pattern), so a Dockerfile that builds on an image other than a Docker Official Image "
        "(which by policy has no ONBUILD triggers), `scratch` or one of its own stages is not "
        "reported."
    )
    bad = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      args:\n"
        '        NODE_VERSON: "22"\n',
        "Dockerfile": "ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-alpine\n",
    }
    good = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      args:\n"
        '        NODE_VERSION: "22"\n',
        "Dockerfile": "ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-alpine\n",
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        build = _build_mapping(link)
        dockerfile = link.dockerfile
        if build is None or dockerfile is None or link.remote or _may_inherit_args(dockerfile):
            return
        declared = {arg.key for arg in dockerfile.global_args}
        for instruction in dockerfile.instructions:
            if instruction.keyword == "ARG":
                declared.update(decl.name for decl in arg_declarations(instruction))
        for entry in key_value_entries(build.get("args")):
            if entry.key in declared or _is_builtin_arg(entry.key):
                continue
            yield self.report(
                entry.node.path,
                entry.key_span,
                f"service '{link.service.name}' passes build arg {entry.key}, which its "
                "Dockerfile never declares with ARG",
            )


class RequiredBuildArgMissing(BuildLinkRule):
    code = "DC605"
    name = "required-build-arg-missing"
    severity = Severity.INFO
    summary = "An ARG without a default is not passed by compose"
    description = (
        "An `ARG` without a default in a stage that compose builds expands to an empty "
        "string unless the build passes it: a `FROM image:${TAG}` or a download URL built "
        "from it breaks or silently changes. Pass it in `build.args`, or give it a default. "
        "Args that BuildKit sets itself (`TARGETPLATFORM`, ...) are exempt."
    )
    bad = {
        "compose.yaml": "services:\n  api:\n    build: .\n",
        "Dockerfile": 'FROM alpine:3.20\nARG APP_VERSION\nRUN echo "$APP_VERSION"\n',
    }
    good = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      args:\n"
        "        APP_VERSION: 1.4.2\n",
        "Dockerfile": 'FROM alpine:3.20\nARG APP_VERSION\nRUN echo "$APP_VERSION"\n',
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        if (found := _built(link)) is None:
            return
        dockerfile, stage = found
        build = _build_mapping(link)
        passed = {e.key for e in key_value_entries(build.get("args"))} if build else set()
        global_defaults = {arg.key for arg in dockerfile.global_args if arg.value is not None}
        missing: dict[str, Instruction] = {}
        stages = built_stages(dockerfile, stage)
        used_in_from = {v for s in stages if s.image for v in s.image.unresolved_variables}
        for arg in dockerfile.global_args:
            if arg.value is None and arg.key in used_in_from:
                where = next(
                    (
                        i
                        for i in dockerfile.instructions
                        if i.keyword == "ARG"
                        and i.span.start <= arg.span.start
                        and arg.span.end <= i.span.end
                    ),
                    None,
                )
                if where is not None:
                    missing.setdefault(arg.key, where)
        for built in stages:
            for instruction in built.instructions:
                if instruction.keyword != "ARG":
                    continue
                for decl in arg_declarations(instruction):
                    if not decl.has_default and decl.name not in global_defaults:
                        missing.setdefault(decl.name, instruction)
        args_pair = build.pair("args") if build else None
        path, span = (
            (args_pair.key.path, args_pair.key.span) if args_pair else _build_key_span(link)
        )
        for name, instruction in sorted(missing.items()):
            if name in passed or _is_builtin_arg(name):
                continue
            yield self.report(
                path,
                span,
                f"service '{link.service.name}' does not pass build arg {name}, declared "
                f"without a default at {_where(link, instruction)}",
            )


class PortNotExposed(BuildLinkRule):
    code = "DC606"
    name = "port-not-exposed-by-dockerfile"
    severity = Severity.INFO
    summary = "A container port is published that the Dockerfile does not EXPOSE"
    description = (
        "When the Dockerfile EXPOSEs some ports and compose publishes another container "
        "port, one of them is out of date: the service probably listens elsewhere and the "
        "mapping leads nowhere. Only checked when the built stage EXPOSEs at least one port "
        "(the base image's EXPOSE is not visible here)."
    )
    bad = {
        "compose.yaml": 'services:\n  api:\n    build: .\n    ports:\n      - "8080:8000"\n',
        "Dockerfile": 'FROM python:3.12-slim\nEXPOSE 5000\nCMD ["python", "app.py"]\n',
    }
    good = {
        "compose.yaml": 'services:\n  api:\n    build: .\n    ports:\n      - "8080:5000"\n',
        "Dockerfile": 'FROM python:3.12-slim\nEXPOSE 5000\nCMD ["python", "app.py"]\n',
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        if (found := _built(link)) is None:
            return
        dockerfile, stage = found
        exposed = exposed_ports(stage_chain(dockerfile, stage))
        if not exposed:
            return
        for field in ("ports", "expose"):
            node = link.service.get(field)
            if not isinstance(node, SequenceNode):
                continue
            for item in node.items:
                port = parse_port(item)
                if port is None or set(port.container_ports) & exposed:
                    continue
                shown = ", ".join(str(p) for p in sorted(exposed)[:6])
                yield self.report(
                    item.path,
                    item.span,
                    f"service '{link.service.name}' publishes container port "
                    f"{port.container_start}, but its Dockerfile EXPOSEs only {shown}",
                )


def compose_build_secrets(link: BuildLink) -> list[tuple[str, Node]]:
    """``(id, node)`` for each ``build.secrets`` entry (the id the Dockerfile mounts)."""
    build = _build_mapping(link)
    node = build.get("secrets") if build else None
    found: list[tuple[str, Node]] = []
    if not isinstance(node, SequenceNode):
        return found
    for item in node.items:
        if isinstance(item, ScalarNode) and (text := scalar_text(item)):
            found.append((text, item))
        elif isinstance(item, MappingNode):
            name = scalar_text(item.get("target")) or scalar_text(item.get("source"))
            if name:
                found.append((name, item))
    return found


def dockerfile_secret_mounts(
    dockerfile: Dockerfile, stages: list[Stage]
) -> list[tuple[str, Instruction]]:
    found = []
    for stage in stages:
        for instruction in stage.instructions:
            if instruction.keyword != "RUN":
                continue
            for options in mount_options(instruction):
                ident = secret_id(options)
                if ident:
                    found.append((ident, instruction))
    return found


class BuildSecretUnused(BuildLinkRule):
    code = "DC607"
    name = "build-secret-unused"
    severity = Severity.INFO
    summary = "A build secret is passed that no RUN --mount=type=secret uses"
    description = (
        "A secret in `build.secrets` is only visible to `RUN --mount=type=secret,id=...` "
        "instructions with the same id. When no RUN of the built stages mounts it, the "
        "secret is never used: a typo in the id, or a mount that was removed."
    )
    bad = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
        "      secrets: [npm_token]\nsecrets:\n  npm_token:\n"
        "    environment: NPM_TOKEN\n",
        "Dockerfile": "FROM node:22-alpine\nRUN --mount=type=secret,id=npmtoken npm ci\n",
    }
    good = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
        "      secrets: [npm_token]\nsecrets:\n  npm_token:\n"
        "    environment: NPM_TOKEN\n",
        "Dockerfile": "FROM node:22-alpine\nRUN --mount=type=secret,id=npm_token npm ci\n",
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        if (found := _built(link)) is None:
            return
        dockerfile, stage = found
        mounted = {
            ident
            for ident, _ in dockerfile_secret_mounts(dockerfile, built_stages(dockerfile, stage))
        }
        for ident, node in compose_build_secrets(link):
            if ident not in mounted:
                yield self.report(
                    node.path,
                    node.span,
                    f"service '{link.service.name}' passes build secret '{ident}', but no "
                    f"RUN --mount=type=secret,id={ident} in its Dockerfile uses it",
                )


class BuildSecretNotProvided(BuildLinkRule):
    code = "DC608"
    name = "build-secret-not-provided"
    severity = Severity.WARNING
    summary = "The Dockerfile mounts a build secret that compose does not pass"
    description = (
        "`RUN --mount=type=secret,id=x` gets an empty mount (or fails with `required=true`) "
        "when the build does not provide secret `x`. Add it to the service's `build.secrets`, "
        "backed by a top-level secret, or the step runs without its credentials."
    )
    bad = {
        "compose.yaml": "services:\n  api:\n    build: .\n",
        "Dockerfile": "FROM node:22-alpine\nRUN --mount=type=secret,id=npm_token npm ci\n",
    }
    good = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
        "      secrets: [npm_token]\nsecrets:\n  npm_token:\n"
        "    environment: NPM_TOKEN\n",
        "Dockerfile": "FROM node:22-alpine\nRUN --mount=type=secret,id=npm_token npm ci\n",
    }

    def check(self, link: BuildLink, context: ComposeContext) -> Iterator[Diagnostic]:
        if (found := _built(link)) is None:
            return
        dockerfile, stage = found
        provided = {ident for ident, _ in compose_build_secrets(link)}
        reported: set[str] = set()
        for ident, instruction in dockerfile_secret_mounts(
            dockerfile, built_stages(dockerfile, stage)
        ):
            if ident in provided or ident in reported:
                continue
            reported.add(ident)
            path, span = _build_key_span(link)
            yield self.report(
                path,
                span,
                f"service '{link.service.name}' does not pass build secret '{ident}', "
                f"mounted at {_where(link, instruction)}",
            )


RULES = (
    BuildContextMissing,
    DockerfileMissing,
    BuildTargetUnknown,
    BuildArgNotDeclared,
    RequiredBuildArgMissing,
    PortNotExposed,
    BuildSecretUnused,
    BuildSecretNotProvided,
)
