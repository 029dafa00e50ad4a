"""Pinning: base images with a tag, packages with a version, images from trusted registries.

A build is repeatable only when what it pulls is named exactly. The OS package pins
(apt, apk, yum, dnf, zypper) are off by default: distributions delete old versions from
their mirrors, so a pinned ``apt-get install curl=7.88.1-10`` breaks the build weeks later;
pin the base image by digest and use a snapshot mirror instead. Language package pins
(pip, npm, gem, go) are on: their registries keep every version.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence

from linter import Diagnostic, DockerfileContext, Severity, Span
from linter.dockerfile.ast import ImageRef, Instruction, Stage
from linter.dockerfile.image import split_reference
from linter.dockerfile.shell import Command
from linter.targets import InstructionRule, StageRule

from ._image_tags import BRANCHES, branch_head_url, moving_tag
from ._packages import Invocation, Operand, parse_invocation
from ._runs import commands, in_go_source_after, mounts, resolve_stage, run_instructions


def _written_as(image: ImageRef) -> str | None:
    """How to name the reference in a message; None when its value is unknown.

    A reference built from ARGs whose defaults are all known (``ARG BASE=quay.io/org/img``
    then ``FROM $BASE``) is judged as what it resolves to; ``--build-arg`` may change it, but
    the default is what a plain ``docker build`` pulls.
    """
    if image.unresolved_variables or "$" in image.resolved:
        return None
    if "$" in image.text:
        return f"`{image.text}` (`{image.resolved}` by the ARG default)"
    return f"`{image.text}`"


class UntaggedImage(StageRule):
    code = "DF500"
    name = "from-untagged"
    tags = ("pinning",)
    severity = Severity.WARNING
    summary = "FROM image without a tag"
    description = (
        "An image without a tag means `latest`: whatever the publisher pushed last. The build "
        "changes under your feet and a rebuild may pull a new major version. Name a tag (and "
        "ideally a digest). `scratch`, digests and earlier stage names are not reported; a "
        "reference built from ARGs is judged by what their defaults resolve to, and not at "
        "all when an ARG has no default."
    )
    bad = 'FROM python\nCMD ["python"]\n'
    good = 'FROM python:3.12-slim\nCMD ["python"]\n'
    aliases = ("DL3006",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        image = stage.image
        if image is None or stage.base_stage is not None or image.is_scratch:
            return
        shown = _written_as(image)
        if shown is not None and image.tag is None and image.digest is None:
            yield self.report(
                context.path,
                image.span,
                f"{shown} has no tag, so it means `latest`, which moves; pin a version tag.",
            )


class LatestTag(StageRule):
    code = "DF501"
    name = "from-latest-tag"
    tags = ("pinning",)
    severity = Severity.WARNING
    summary = "FROM image with `latest` or another tag that names no version"
    description = (
        "`latest` is just the tag the publisher pushed last; it moves, so rebuilds are not "
        "repeatable and may jump a major version. Tags that name no version move the same "
        "way: channels (`stable`, `edge`, `mainline`, `rolling`, `lts`, `current`, ...) and "
        "flavours alone or combined (`alpine`, `slim`, `stable-slim`, `lts-alpine`, "
        "`jre-alpine`). A tag with a version number (`3.20-alpine`, `22-slim`) is pinned "
        "enough. A distribution codename (`bookworm`, `jammy`, `ltsc2022`) names one release of "
        "`debian`, `ubuntu`, Windows Server or an image that follows one (`buildpack-deps`, "
        "the devcontainers `base`) and is pinned enough there, but on any other image "
        "(`python:bookworm`) "
        "it only says which Debian the newest release is built on, so it moves. Pin a version "
        "tag (with a digest for full repeatability); a tag with a digest is pinned by the "
        "digest and not reported. A reference built from ARGs is judged by what their "
        "defaults resolve to."
    )
    bad = 'FROM node:latest\nCMD ["node"]\n'
    good = 'FROM node:20.15-bookworm-slim\nCMD ["node"]\n'
    aliases = ("DL3007", "DS-0001", "CKV_DOCKER_7")

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        image = stage.image
        if image is None or stage.base_stage is not None or image.digest is not None:
            return
        if image.tag == "latest" and ":latest" in image.text:
            yield self.report(
                context.path,
                image.span,
                f"`{image.text}` uses the moving `latest` tag; pin a version.",
            )
            return
        shown = _written_as(image)
        if shown is None or not moving_tag(image.tag, image.repository):
            return
        if image.tag == "latest":
            message = f"{shown} uses the moving `latest` tag; pin a version."
        else:
            message = (
                f"{shown}: the tag `{image.tag}` names no version, so it moves "
                "like `latest`; pin a version tag."
            )
        yield self.report(context.path, image.span, message)


def _registry_of(reference: str) -> str:
    registry, _, _, _ = split_reference(reference)
    return registry or "docker.io"


def _trusted(registry: str, patterns: Sequence[str]) -> bool:
    candidates = {registry}
    if registry in {"docker.io", "index.docker.io", "registry-1.docker.io"}:
        candidates |= {"docker.io", "hub.docker.com"}
    return any(
        fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates for pattern in patterns
    )


class UntrustedRegistry(StageRule):
    code = "DF502"
    name = "untrusted-registry"
    tags = ("pinning", "security")
    severity = Severity.ERROR
    summary = "Image pulled from a registry outside `trusted-registries`"
    description = (
        "With the `trusted-registries` option set (globs such as `docker.io`, `*.gcr.io`, "
        "`registry.example.com`), every image a build pulls must come from one of them: "
        "`FROM`, `COPY --from=<image>` and `RUN --mount=from=<image>`. Names without a registry "
        "are Docker Hub (`docker.io` or `hub.docker.com`). Silent when the option is unset; "
        "hadolint's `trustedRegistries` is read the same way."
    )
    bad = {
        ".shiplint.yaml": "trusted-registries: [docker.io]\n",
        "Dockerfile": "FROM quay.io/prometheus/busybox:1.36\n",
    }
    good = {
        ".shiplint.yaml": "trusted-registries: [docker.io]\n",
        "Dockerfile": "FROM busybox:1.36\n",
    }
    aliases = ("DL3026",)

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        patterns = [str(p) for p in context.options.get("trusted_registries") or ()]
        if not patterns:
            return
        dockerfile = context.dockerfile
        image = stage.image
        if (
            image is not None
            and stage.base_stage is None
            and not image.is_scratch
            and not image.unresolved_variables
            and "$" not in image.resolved
        ):
            registry = image.registry or "docker.io"
            if not _trusted(registry, patterns):
                yield self.report(context.path, image.span, self._message(registry))
        for instruction in stage.instructions:
            references: list[tuple[str, Span]] = []
            flag = instruction.flag("from")
            if instruction.keyword in {"COPY", "ADD"} and flag and flag.value:
                references.append((flag.value, flag.value_span or flag.span))
            if instruction.keyword == "RUN":
                for mount, mount_flag in zip(
                    mounts(instruction),
                    [f for f in instruction.flags if f.name == "mount" and f.value],
                    strict=False,
                ):
                    if mount.source_stage:
                        references.append((mount.source_stage, mount_flag.span))
            for reference, span in references:
                if (
                    reference.isdigit()
                    or "$" in reference
                    or resolve_stage(dockerfile, reference, stage.index) is not None
                    or dockerfile.stage_by_name(reference) is not None
                ):
                    continue
                registry = _registry_of(reference)
                if not _trusted(registry, patterns):
                    yield self.report(context.path, span, self._message(registry))

    @staticmethod
    def _message(registry: str) -> str:
        return f"Registry `{registry}` is not in trusted-registries."


# ---------------------------------------------------------------------------------------------
# package pins


class _PinRule(InstructionRule):
    """Report every package operand of a matching install (in a RUN or ONBUILD RUN of a
    stage) that names no version."""

    tags = ("pinning",)
    severity = Severity.WARNING
    keywords = frozenset({"RUN"})
    onbuild = True

    def applies(self, invocation: Invocation) -> bool:
        raise NotImplementedError

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        raise NotImplementedError

    def skip_command(self, invocation: Invocation) -> bool:
        return False

    def message(self, operand: str, invocation: Invocation) -> str:
        return (
            f"`{operand}` is installed without a version: rebuilds get whatever is newest. Pin it."
        )

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        if context.stage_of(instruction) is None:
            return
        for command in commands(context, instruction):
            invocation = parse_invocation(command.texts)
            if invocation is None or not self.applies(invocation) or self.skip_command(invocation):
                continue
            yield from self._operands(context, command, invocation)

    def _operands(
        self, context: DockerfileContext, command: Command, invocation: Invocation
    ) -> Iterator[Diagnostic]:
        for operand in invocation.operands:
            if "$" in operand.text or not operand.text or self.pinned(operand.text, invocation):
                continue
            yield self.report(
                context.path,
                command.word_span(operand.index),
                self.message(operand.text, invocation),
            )


class AptGetUnpinned(_PinRule):
    code = "DF503"
    name = "apt-get-unpinned"
    summary = "apt-get install of a package without a version"
    description = (
        "Without `name=version`, apt installs whatever the mirror has today. Off by default: "
        "Debian and Ubuntu mirrors drop superseded versions, so exact pins break rebuilds; "
        "prefer a base image pinned by digest and a snapshot mirror. Packages given as "
        "`name=version`, `name/release` or a `.deb` path count as pinned."
    )
    bad = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends"
        " curl \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    good = (
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends"
        " curl=7.88.1-10+deb12u8 \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    aliases = ("DL3008",)
    enabled_by_default = False

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager in ("apt-get", "apt") and invocation.action == "install"

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        return "=" in operand or "/" in operand or operand.endswith(".deb")


class ApkUnpinned(_PinRule):
    code = "DF504"
    name = "apk-unpinned"
    summary = "apk add of a package without a version"
    description = (
        "Without `name=version` (or `~`, `>`, `<` constraints) apk installs whatever the "
        "mirror has today. Off by default: Alpine mirrors keep only the newest build of each "
        "package in a branch, so exact pins break rebuilds; `name~1.2` pins the minor version."
    )
    bad = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    good = "FROM alpine:3.20\nRUN apk add --no-cache curl~8.9\n"
    aliases = ("DL3018",)
    enabled_by_default = False

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "apk" and invocation.action == "install"

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        return any(mark in operand for mark in "=~<>") or operand.endswith(".apk")


_PIP_SPECIFIERS = ("==", ">=", "<=", "!=", "~=", ">", "<", "@")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz")


class PipUnpinned(_PinRule):
    code = "DF505"
    name = "pip-unpinned"
    summary = "pip install of a package without a version"
    description = (
        "`pip install flask` installs the newest release at build time; a rebuild months later "
        "may get a new major version. Pin with `==` (or a range such as `>=3,<4`), or install "
        "from a requirements or constraints file. Local paths, wheels, archives and VCS URLs "
        "with an `@ref` count as pinned; so does `--no-index` (a local wheelhouse)."
    )
    bad = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n"
    good = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\n"
    aliases = ("DL3013",)

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "pip" and invocation.action == "install"

    def skip_command(self, invocation: Invocation) -> bool:
        return invocation.has("-r", "--requirement", "-c", "--constraint", "--no-index") or any(
            operand.text == "." for operand in invocation.operands
        )

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        if re.match(r"^(git|hg|svn|bzr)\+", operand):
            return "@" in operand.rsplit("/", 1)[-1]
        if operand.startswith((".", "/", "~")) or operand.endswith(_ARCHIVES):
            return True
        if "://" in operand or "/" in operand:
            return True
        return any(mark in operand for mark in _PIP_SPECIFIERS)


class NpmUnpinned(_PinRule):
    code = "DF506"
    name = "npm-unpinned"
    summary = "npm install of a package without a version"
    description = (
        "`npm install -g typescript` installs whatever is newest at build time. Pin with "
        "`name@version` (`@scope/name@1.2.3`). Git URLs need a `#ref`; tarballs and local "
        "paths count as pinned; `npm install` / `npm ci` without package names use the lock "
        "file and are fine. The dist-tag `@latest` is not a pin."
    )
    bad = "FROM node:20-slim\nRUN npm install -g typescript\n"
    good = "FROM node:20-slim\nRUN npm install -g typescript@5.5.4\n"
    aliases = ("DL3016",)

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "npm" and invocation.action == "install"

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        if operand.startswith(("/", "./", "../", "~/")) or operand in {".", ".."}:
            return True
        if operand.endswith((".tar", ".tgz", ".tar.gz")):
            return True
        if (
            re.match(r"^(git(\+[a-z]+)?://|git\+|github:|gitlab:|bitbucket:|gist:)", operand)
            or operand.endswith(".git")
            or ("/" in operand and not operand.startswith("@"))
        ):
            return "#" in operand
        at = operand.rfind("@")
        if at <= 0:
            return False
        return operand[at + 1 :] not in {"", "latest"}


class GemUnpinned(_PinRule):
    code = "DF507"
    name = "gem-unpinned"
    summary = "gem install of a gem without a version"
    description = (
        "`gem install rails` installs the newest release at build time. Pin with "
        "`gem install rails:7.1.3` or `-v 7.1.3`."
    )
    bad = "FROM ruby:3.3-slim\nRUN gem install bundler\n"
    good = "FROM ruby:3.3-slim\nRUN gem install bundler -v 2.5.16\n"
    aliases = ("DL3028",)

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "gem" and invocation.action == "install"

    def skip_command(self, invocation: Invocation) -> bool:
        return invocation.has("-v", "--version", "-g", "--file")

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        return ":" in operand or operand.endswith(".gem") or "/" in operand


def _rpm_pinned(operand: str, invocation: Invocation) -> bool:
    if invocation.group == "module":
        return ":" in operand
    if operand.endswith(".rpm") or "/" in operand or "*" in operand:
        return True
    name_parts = operand.split("-")[1:]
    return any(part[:1].isdigit() for part in name_parts)


def _rpm_skip(invocation: Invocation) -> bool:
    return invocation.group in {"group", "groups"} or invocation.action_word in {
        "groupinstall",
        "localinstall",
    }


class YumUnpinned(_PinRule):
    code = "DF508"
    name = "yum-unpinned"
    summary = "yum install of a package without a version"
    description = (
        "Without `name-version`, yum installs whatever the repository has today. Off by "
        "default, like the other OS package pins: repositories drop old builds. `yum module "
        "install` needs a `name:stream`."
    )
    bad = "FROM centos:7\nRUN yum install -y httpd && yum clean all\n"
    good = "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"
    aliases = ("DL3033",)
    enabled_by_default = False
    managers: frozenset[str] = frozenset({"yum"})

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager in self.managers and invocation.action == "install"

    def skip_command(self, invocation: Invocation) -> bool:
        return _rpm_skip(invocation)

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        if operand.startswith("@"):
            return True  # a group or module spec
        return _rpm_pinned(operand, invocation)


class DnfUnpinned(YumUnpinned):
    code = "DF509"
    name = "dnf-unpinned"
    summary = "dnf/microdnf install of a package without a version"
    description = (
        "Without `name-version`, dnf installs whatever the repository has today. Off by "
        "default, like the other OS package pins: repositories drop old builds. `dnf module "
        "install` needs a `name:stream`."
    )
    bad = "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n"
    good = "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n"
    aliases = ("DL3041",)
    managers = frozenset({"dnf", "microdnf"})


class ZypperUnpinned(_PinRule):
    code = "DF510"
    name = "zypper-unpinned"
    summary = "zypper install of a package without a version"
    description = (
        "Without `name=version` (or `>=`, `<` constraints) zypper installs whatever the "
        "repository has today. Off by default, like the other OS package pins."
    )
    bad = "FROM opensuse/leap:15.6\nRUN zypper -n install curl && zypper clean --all\n"
    good = "FROM opensuse/leap:15.6\nRUN zypper -n install curl=8.6.0 && zypper clean --all\n"
    aliases = ("DL3037",)
    enabled_by_default = False

    def applies(self, invocation: Invocation) -> bool:
        return invocation.manager == "zypper" and invocation.action == "install"

    def skip_command(self, invocation: Invocation) -> bool:
        return (invocation.value("-t", "--type") or "package") != "package"

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        return any(mark in operand for mark in "=<>") or operand.endswith(".rpm")


class GoInstallUnpinned(_PinRule):
    code = "DF511"
    name = "go-install-unpinned"
    summary = "go install / go get of a module without a version"
    description = (
        "`go install example.com/tool` without `@version` fails outside a module or takes "
        "whatever the module's go.mod says, and `@latest` moves. Pin `@v1.2.3` (or a commit). "
        "Local packages (`.`, `./cmd/x`, `.go` files) are fine, and so is a GOPATH-mode "
        "`go get X` whose source is then pinned by `git checkout <tag or commit>`: later "
        "in the same RUN, or in a RUN after a later `WORKDIR /go/src/X` of the same stage."
    )
    bad = "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\n"
    good = "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@v0.16.1\n"
    aliases = ("DL3062",)

    def applies(self, invocation: Invocation) -> bool:
        return (
            invocation.manager == "go"
            and invocation.group is None
            and invocation.action in {"install", "get", "run"}
        )

    def pinned(self, operand: str, invocation: Invocation) -> bool:
        if (
            operand.startswith((".", "/"))
            or operand.endswith(".go")
            or "." not in operand.split("/", 1)[0]
        ):
            return True
        _, at, version = operand.rpartition("@")
        return bool(at) and version not in {"", "latest", "none", "upgrade", "patch"}

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None:
            return
        cmds = commands(context, instruction)
        for position, command in enumerate(cmds):
            invocation = parse_invocation(command.texts)
            if invocation is None or not self.applies(invocation):
                continue
            if invocation.action == "get" and _go_get_checked_out(
                context, stage, instruction, invocation, cmds[position + 1 :]
            ):
                continue
            yield from self._operands(context, command, invocation)

    def _operands(
        self, context: DockerfileContext, command: Command, invocation: Invocation
    ) -> Iterator[Diagnostic]:
        operands: Sequence[Operand] = invocation.operands
        if invocation.action == "run":
            operands = operands[:1]  # the rest are the program's own arguments
        for operand in operands:
            if "$" in operand.text or self.pinned(operand.text, invocation):
                continue
            yield self.report(
                context.path,
                command.word_span(operand.index),
                f"`{operand.text}` has no fixed version (`@v1.2.3`): rebuilds "
                "get whatever is newest.",
            )


def _go_get_checked_out(
    context: DockerfileContext,
    stage: Stage,
    instruction: Instruction,
    invocation: Invocation,
    rest: Sequence[Command],
) -> bool:
    """A GOPATH ``go get X`` whose source is then pinned by ``git checkout <tag or commit>``:
    later in the same RUN (``&& cd /go/src/X && git checkout "$V"``), or in a RUN after a
    later ``WORKDIR /go/src/X`` of the same stage."""
    if any(_checks_out_release(later) for later in rest):
        return True
    packages = [o.text.split("@")[0].removesuffix("/...") for o in invocation.operands]
    inside = in_go_source_after(stage, instruction, packages)
    return inside is not None and any(
        _checks_out_release(cmd)
        for later in inside
        if later.keyword == "RUN"
        for cmd in commands(context, later)
    )


# ---------------------------------------------------------------------------------------------
# sources fetched from a branch head

# ``git`` options before the subcommand that take a value, and ``git clone``'s.
_GIT_GLOBAL_VALUES = frozenset(
    {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"}
)
_CLONE_VALUES = frozenset(
    {
        "-b",
        "--branch",
        "-o",
        "--origin",
        "--depth",
        "-c",
        "--config",
        "--reference",
        "--reference-if-able",
        "--separate-git-dir",
        "-j",
        "--jobs",
        "--filter",
        "--shallow-since",
        "--shallow-exclude",
        "-u",
        "--upload-pack",
        "--template",
        "--server-option",
        "--revision",
        "--bundle-uri",
    }
)


def _git_subcommand(command: Command) -> tuple[int, str] | None:
    """Index and name of the subcommand of a ``git`` command line (past global options)."""
    if command.program != "git":
        return None
    argv = command.texts
    index = command.start + 1
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] in _GIT_GLOBAL_VALUES else 1
    return (index, argv[index]) if index < len(argv) else None


def _names_release(ref: str) -> bool:
    """Whether a ref given to clone/checkout is a tag or commit rather than a branch head."""
    return "$" in ref or ref.lower().removeprefix("origin/") not in BRANCHES


def _clone_pinned(argv: Sequence[str], at: int) -> bool | None:
    """Whether ``git clone`` itself names a release; None when it names nothing."""
    index = at + 1
    while index < len(argv):
        word = argv[index]
        name, equals, value = word.partition("=")
        if word == "--":
            break
        if name in ("-b", "--branch", "--revision") or (word.startswith("-b") and len(word) > 2):
            if not equals:
                value = (
                    word[2:]
                    if word.startswith("-b") and len(word) > 2
                    else (argv[index + 1] if index + 1 < len(argv) else "")
                )
            return _names_release(value)
        index += 2 if word in _CLONE_VALUES else 1
    return None


def _checks_out_release(command: Command) -> bool:
    """``git checkout v1.2``, ``git reset --hard $REV``, ``git switch --detach abc123``."""
    found = _git_subcommand(command)
    if found is None:
        return False
    argv = command.texts
    index, sub = found
    if sub not in ("checkout", "reset", "switch", "fetch"):
        return False
    refs = [word for word in argv[index + 1 :] if not word.startswith("-")]
    if sub == "fetch":
        return any(ref.startswith("refs/tags/") or ref in ("tag",) for ref in refs)
    return any(_names_release(ref) for ref in refs[:1])


class BranchHeadSource(StageRule):
    code = "DF512"
    name = "source-from-branch-head"
    tags = ("pinning", "reliability")
    severity = Severity.WARNING
    summary = "Source code or a script is fetched from a branch head"
    description = (
        "A download from a branch (`archive/refs/heads/main.tar.gz`, `archive/master.zip`, "
        "`raw.githubusercontent.com/<org>/<repo>/master/install.sh`, GitLab's "
        "`/-/archive/main/`) or a `git clone` that checks out no tag or commit gets whatever "
        "the branch holds on the day of the build: rebuilds are not repeatable, and one bad "
        "push upstream ships in your image. Download a release or tag (`archive/refs/tags/"
        "v1.2.tar.gz`), or clone with `--branch v1.2` or follow the clone with `git checkout "
        "<tag or commit>` (or `git reset --hard <commit>`) in the same stage. "
        "`ADD <git URL>` without `#<ref>` is reported too. "
        "Branch names are the usual moving ones (`master`, `main`, `develop`, `trunk`, "
        '`HEAD`, ...); a ref from a build variable (`--branch "$VERSION"`) counts as pinned.'
    )
    bad = (
        "FROM python:3.12-slim\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends git \\\n"
        " && git clone --depth 1 https://github.com/example/tool.git /opt/tool \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )
    good = (
        "FROM python:3.12-slim\nARG TOOL_VERSION=v2.4.1\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends git \\\n"
        ' && git clone --depth 1 --branch "$TOOL_VERSION" '
        "https://github.com/example/tool.git /opt/tool \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
    )

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        for instruction in stage.instructions:
            if instruction.keyword == "ADD":
                yield from self._add(context, instruction)
        # A checkout in a later RUN of the stage pins the clone too (``WORKDIR`` in
        # between is common): read the stage's commands as one list.
        yield from self._run(
            context,
            [
                cmd
                for instruction in run_instructions(stage)
                for cmd in commands(context, instruction)
            ],
        )

    def _add(self, context: DockerfileContext, instruction: Instruction) -> Iterator[Diagnostic]:
        for word in instruction.words[:-1]:
            source = word.text.strip("\"'")
            if branch_head_url(source):
                yield self.report(context.path, word.span, self._url_message(source))
            elif (
                source.startswith("git@") or source.split("#", 1)[0].endswith(".git")
            ) and "#" not in source:
                yield self.report(
                    context.path,
                    word.span,
                    f"`ADD {source}` clones the default branch as it is today; "
                    "add `#<tag or commit>` to pin it.",
                )

    def _run(self, context: DockerfileContext, cmds: list[Command]) -> Iterator[Diagnostic]:
        for position, cmd in enumerate(cmds):
            texts = cmd.texts
            hosts = any(
                "github" in word or "gitlab" in word or "bitbucket" in word for word in texts
            )
            for index, word in enumerate(texts if hosts else ()):
                start = word.find("http")
                if start < 0 and word.startswith(("github.com/", "raw.githubusercontent.com/")):
                    start = 0
                if start >= 0 and branch_head_url(word[start:]):
                    yield self.report(
                        context.path, cmd.word_span(index), self._url_message(word[start:])
                    )
            if "clone" not in texts:
                continue
            found = _git_subcommand(cmd)
            if found is None or found[1] != "clone":
                continue
            pinned = _clone_pinned(cmd.texts, found[0])
            if pinned is None:
                pinned = any(_checks_out_release(later) for later in cmds[position + 1 :])
            if not pinned:
                yield self.report(
                    context.path,
                    cmd.word_span(found[0]),
                    "`git clone` checks out a branch head, whatever it holds on the day of "
                    "the build; clone a tag (`--branch v1.2`) or `git checkout <tag or "
                    "commit>` after it.",
                )

    @staticmethod
    def _url_message(url: str) -> str:
        shown = url if len(url) <= 90 else url[:87] + "..."
        return (
            f"`{shown}` is a branch head: it changes with every push. Download a release "
            "or tag instead."
        )


RULES = (
    UntaggedImage,
    LatestTag,
    UntrustedRegistry,
    AptGetUnpinned,
    ApkUnpinned,
    PipUnpinned,
    NpmUnpinned,
    GemUnpinned,
    YumUnpinned,
    DnfUnpinned,
    ZypperUnpinned,
    GoInstallUnpinned,
    BranchHeadSource,
)
