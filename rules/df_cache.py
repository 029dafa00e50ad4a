"""Package-manager caches and lists left in a layer, and build-cache ordering mistakes.

Every RUN is a layer: whatever a package manager leaves in its cache directory during that
RUN is stored in the image for good, even when a later RUN deletes it. The cache rules only
look at stages that reach an image (see ``_runs.shipped_stages``): a builder stage that is
used only through ``COPY --from`` never ships its caches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from linter import Applicability, Diagnostic, DockerfileContext, Fix, Fixable, Severity, Span
from linter.dockerfile.ast import Instruction, Stage
from linter.dockerfile.shell import Command, basename
from linter.targets import InstructionRule, StageRule

from ._packages import (
    CACHES,
    CacheInfo,
    Invocation,
    cache_dir_matches,
    dependency_install,
    parse_invocation,
)
from ._runs import cache_mounted, commands, mounts, run_instructions, ships, stage_env

_FALSY = {"", "0", "false", "no", "off"}
_APT, _APK, _PIP = CACHES["apt"], CACHES["apk"], CACHES["pip"]
_YUM, _ZYPPER = CACHES["yum"], CACHES["zypper"]


def _removes(command: Command, cache: CacheInfo) -> bool:
    """``rm -rf <dir>`` (or a glob inside it) over one of the cache's dirs."""
    if not command.texts or command.head != "rm":
        return False
    paths = [word for word in command.texts[1:] if not word.startswith("-")]
    return any(cache_dir_matches(directory, path) for path in paths for directory in cache.dirs)


class _CacheRule(InstructionRule):
    """A package manager leaves its cache in the layer unless the same RUN cleans it.

    The rules differ only by the hooks below; each RUN (ONBUILD RUN too) of a stage that
    reaches an image is checked.
    """

    tags = ("layer-bloat",)
    keywords = frozenset({"RUN"})
    onbuild = True
    cache_key: str | None

    def triggers(self, invocation: Invocation) -> bool:
        """The command writes the cache."""
        raise NotImplementedError

    def cleans(self, invocation: Invocation) -> bool:
        """The command empties the cache (``yum clean all``)."""
        return False

    def exempt(
        self,
        context: DockerfileContext,
        stage: Stage,
        instruction: Instruction,
        command: Command,
        invocation: Invocation,
    ) -> bool:
        """Something else keeps the cache out of the layer (an option, an ENV)."""
        return False

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        word = invocation.action_word or ""
        label = cache.label if cache is not None else "its cache"
        advice = f" Use {cache.cleanup}." if cache is not None else ""
        return (
            f"`{invocation.manager} {word}` leaves {label} in this layer; it ships with the "
            f"image.{advice}"
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        return None

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None or not ships(context, stage):
            return
        cache = CACHES[self.cache_key] if self.cache_key else None
        if cache is not None and cache_mounted(instruction, cache):
            return
        cmds = commands(context, instruction)
        yield from self._check_run(context, stage, instruction, cmds, cache)

    def _check_run(
        self,
        context: DockerfileContext,
        stage: Stage,
        instruction: Instruction,
        cmds: Sequence[Command],
        cache: CacheInfo | None,
    ) -> Iterator[Diagnostic]:
        parsed = [(command, parse_invocation(command.texts)) for command in cmds]
        for position, (command, invocation) in enumerate(parsed):
            if invocation is None or not self.triggers(invocation):
                continue
            if self.exempt(context, stage, instruction, command, invocation):
                continue
            later = parsed[position + 1 :]
            if any(
                (cache is not None and _removes(other, cache))
                or (inv is not None and self.cleans(inv))
                for other, inv in later
            ):
                continue
            start = command.word_span(command.start).start
            span = Span(start, command.span.end)
            yield self.report(
                context.path, span, self.message(invocation, cache), self.fix(command, invocation)
            )


class AptListsNotRemoved(_CacheRule):
    code = "DF301"
    name = "apt-lists-not-removed"
    severity = Severity.INFO
    summary = "apt-get update leaves the package lists in the layer"
    description = (
        "`apt-get update` downloads the package lists into `/var/lib/apt/lists` (tens of MB). "
        "Unless the same RUN deletes them after installing, they are stored in that layer and "
        "ship with the image; deleting them in a later RUN saves nothing. A "
        "`--mount=type=cache` or `type=tmpfs` on `/var/lib/apt/lists` (or `/var/lib/apt`) also "
        "keeps them out. Only stages that reach an image are checked: a builder stage used only "
        "through `COPY --from` does not ship its lists (hadolint reasons the same way)."
    )
    bad = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    good = (
        "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends"
        " curl \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    aliases = ("DL3009",)
    cache_key = "apt"

    def triggers(self, invocation: Invocation) -> bool:
        return (
            invocation.manager in {"apt-get", "apt", "aptitude"} and invocation.action == "update"
        )

    def cleans(self, invocation: Invocation) -> bool:
        return invocation.manager in {"apt-get", "apt"} and invocation.action == "distclean"

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        return (
            f"`{invocation.manager} update` leaves {_APT.label} in this layer; they ship "
            f"with the image. Add {_APT.cleanup} after the install."
        )


class ApkCacheKept(_CacheRule):
    code = "DF302"
    name = "apk-cache-kept"
    severity = Severity.INFO
    summary = "apk add without --no-cache leaves the package index in the layer"
    description = (
        "`apk add` without `--no-cache` (and `apk update`) stores the APKINDEX files in "
        "`/var/cache/apk`; they stay in the layer and ship with the image. `apk add --no-cache` "
        "fetches the index in memory instead. An `rm -rf /var/cache/apk/*` later in the same "
        "RUN, or a cache/tmpfs mount on `/var/cache/apk`, also keeps the layer clean."
    )
    bad = "FROM alpine:3.20\nRUN apk add curl\n"
    good = "FROM alpine:3.20\nRUN apk add --no-cache curl\n"
    aliases = ("DL3019", "DS-0025")
    fixable = Fixable.SOMETIMES
    cache_key = "apk"

    def triggers(self, invocation: Invocation) -> bool:
        if invocation.manager != "apk":
            return False
        if invocation.action == "update":
            return True
        # --no-network installs from packages already on disk: no index is fetched or kept.
        return invocation.action == "install" and not invocation.has("--no-cache", "--no-network")

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        if invocation.action == "update":
            return (
                f"`apk update` stores {_APK.label} in this layer; it ships with the image. "
                "Drop it and use `apk add --no-cache`."
            )
        return (
            f"`apk add` without --no-cache stores {_APK.label} in this layer; it ships "
            "with the image. Use `apk add --no-cache`."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action != "install" or invocation.action_index is None:
            return None
        edit = command.insert_after(invocation.action_index, "--no-cache")
        return Fix("Add --no-cache", (edit,), Applicability.SAFE)


class PipCacheKept(_CacheRule):
    code = "DF303"
    name = "pip-cache-kept"
    severity = Severity.WARNING
    summary = "pip install without --no-cache-dir leaves pip's cache in the layer"
    description = (
        "pip keeps every downloaded archive and built wheel in `~/.cache/pip`. In an image that "
        "cache is dead weight, often as large as the installed packages. Use "
        "`pip install --no-cache-dir`, or `ENV PIP_NO_CACHE_DIR=1`, or a "
        "`--mount=type=cache,target=/root/.cache/pip` (which also speeds up rebuilds)."
    )
    bad = "FROM python:3.12-slim\nRUN pip install flask==3.0.3\n"
    good = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\n"
    aliases = ("DL3042",)
    fixable = Fixable.SOMETIMES
    cache_key = "pip"

    def triggers(self, invocation: Invocation) -> bool:
        return (
            invocation.manager == "pip"
            and invocation.action == "install"
            and not invocation.has("--no-cache-dir", "--no-cache")
        )

    def cleans(self, invocation: Invocation) -> bool:
        return (
            invocation.manager == "pip"
            and invocation.action == "cache"
            and any(operand.text == "purge" for operand in invocation.operands)
        )

    def exempt(
        self,
        context: DockerfileContext,
        stage: Stage,
        instruction: Instruction,
        command: Command,
        invocation: Invocation,
    ) -> bool:
        inline = command.environment
        if inline.get("PIP_NO_CACHE_DIR", "").lower() not in _FALSY:
            return True
        env = stage_env(context.dockerfile, stage, until=_outer(stage, instruction))
        return env.get("PIP_NO_CACHE_DIR", "").lower() not in _FALSY

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        return (
            f"`pip install` without --no-cache-dir leaves {_PIP.label} in this layer; it "
            "ships with the image. Add --no-cache-dir."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action_index is None:
            return None
        edit = command.insert_after(invocation.action_index, "--no-cache-dir")
        return Fix("Add --no-cache-dir", (edit,), Applicability.SAFE)


def _outer(stage: Stage, instruction: Instruction) -> Instruction:
    """The stage instruction holding ``instruction`` (itself, or the ONBUILD wrapping it)."""
    for candidate in stage.instructions:
        if candidate is instruction or candidate.onbuild is instruction:
            return candidate
    return instruction


class NpmCacheKept(_CacheRule):
    code = "DF304"
    name = "npm-cache-kept"
    severity = Severity.INFO
    summary = "npm install/ci leaves npm's download cache in the layer"
    description = (
        "npm stores every tarball it downloads in `~/.npm/_cacache`; after `npm ci` in the "
        "image's final stage that cache ships with the image, often tens of MB. Add "
        "`npm cache clean --force` in the same RUN, or use "
        "`--mount=type=cache,target=/root/.npm`, which also speeds up rebuilds. Builder stages "
        "whose output is copied out are not checked."
    )
    bad = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        "RUN npm ci --omit=dev\n"
    )
    good = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        "RUN npm ci --omit=dev && npm cache clean --force\n"
    )
    cache_key = "npm"

    def triggers(self, invocation: Invocation) -> bool:
        return invocation.manager == "npm" and invocation.action in {"install", "ci"}

    def cleans(self, invocation: Invocation) -> bool:
        return (
            invocation.manager == "npm"
            and invocation.action == "cache"
            and any(operand.text == "clean" for operand in invocation.operands)
        )


class YarnCacheKept(_CacheRule):
    code = "DF305"
    name = "yarn-cache-kept"
    severity = Severity.INFO
    summary = "yarn install leaves yarn's package cache in the layer"
    description = (
        "yarn keeps a copy of every package in its global cache (`/usr/local/share/.cache/yarn` "
        "as root). Unless the same RUN runs `yarn cache clean` after installing, or the cache "
        "dir is a `--mount=type=cache`, the copy ships with the image next to `node_modules`. "
        "Only stages that reach an image are checked, as hadolint does."
    )
    bad = (
        "FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\n"
        "RUN yarn install --frozen-lockfile\n"
    )
    good = (
        "FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\n"
        "RUN yarn install --frozen-lockfile && yarn cache clean\n"
    )
    aliases = ("DL3060",)
    cache_key = "yarn"

    def triggers(self, invocation: Invocation) -> bool:
        # `yarn --version` (bare yarn means install) is a smoke test that fetches nothing.
        return (
            invocation.manager == "yarn"
            and invocation.action in {"install", "add"}
            and not invocation.has("-v", "--version", "-h", "--help")
        )

    def cleans(self, invocation: Invocation) -> bool:
        return (
            invocation.manager == "yarn"
            and invocation.action == "cache"
            and any(operand.text == "clean" for operand in invocation.operands)
        )


def _clean_all(invocation: Invocation, managers: set[str]) -> bool:
    return (
        invocation.manager in managers
        and invocation.action == "clean"
        and any(operand.text in {"all", "packages", "metadata"} for operand in invocation.operands)
    )


class YumCacheKept(_CacheRule):
    code = "DF306"
    name = "yum-cache-kept"
    severity = Severity.WARNING
    summary = "yum install without yum clean all leaves the yum cache in the layer"
    description = (
        "yum keeps repository metadata and downloaded packages in `/var/cache/yum`. Run "
        "`yum clean all` after the install in the same RUN (or delete `/var/cache/yum`), or "
        "mount a cache there; a later RUN cannot take the bytes back out of the layer."
    )
    bad = "FROM centos:7\nRUN yum install -y httpd-2.4.6\n"
    good = "FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"
    aliases = ("DL3032", "DS-0015")
    cache_key = "yum"

    def triggers(self, invocation: Invocation) -> bool:
        return invocation.manager == "yum" and invocation.action in {"install", "upgrade"}

    def cleans(self, invocation: Invocation) -> bool:
        return _clean_all(invocation, {"yum"})

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        return (
            f"`yum {invocation.action_word}` without `yum clean all` afterwards leaves "
            f"{_YUM.label} in this layer; it ships with the image."
        )


class DnfCacheKept(_CacheRule):
    code = "DF307"
    name = "dnf-cache-kept"
    severity = Severity.WARNING
    summary = "dnf/microdnf install without clean all leaves the cache in the layer"
    description = (
        "dnf and microdnf keep repository metadata in `/var/cache/dnf` (`/var/cache/libdnf5` "
        "for dnf5, `/var/cache/yum` for microdnf). Run `dnf clean all` / `microdnf clean all` "
        "after the install in the same RUN, or mount a cache there."
    )
    bad = "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n"
    good = "FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n"
    aliases = ("DL3040", "DS-0019", "DS-0027")
    cache_key = "dnf"

    def triggers(self, invocation: Invocation) -> bool:
        return invocation.manager in {"dnf", "microdnf"} and invocation.action in {
            "install",
            "upgrade",
        }

    def cleans(self, invocation: Invocation) -> bool:
        return _clean_all(invocation, {"dnf", "microdnf", "yum"})

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        return (
            f"`{invocation.manager} {invocation.action_word}` without "
            f"`{invocation.manager} clean all` afterwards leaves its metadata cache in this "
            "layer; it ships with the image."
        )


class ZypperCacheKept(_CacheRule):
    code = "DF308"
    name = "zypper-cache-kept"
    severity = Severity.WARNING
    summary = "zypper install without zypper clean leaves the cache in the layer"
    description = (
        "zypper keeps repository metadata and packages in `/var/cache/zypp`. Run "
        "`zypper clean --all` (or `zypper cc`) after the install in the same RUN, or mount a "
        "cache on `/var/cache/zypp`."
    )
    bad = "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.6.0\n"
    good = "FROM opensuse/leap:15.6\nRUN zypper install -y curl=8.6.0 && zypper clean --all\n"
    aliases = ("DL3036", "DS-0020")
    cache_key = "zypper"

    def triggers(self, invocation: Invocation) -> bool:
        return invocation.manager == "zypper" and invocation.action in {
            "install",
            "upgrade",
            "dist-upgrade",
        }

    def cleans(self, invocation: Invocation) -> bool:
        return invocation.manager == "zypper" and invocation.action == "clean"

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        return (
            f"`zypper {invocation.action_word}` without `zypper clean` afterwards leaves "
            f"{_ZYPPER.label} in this layer; it ships with the image."
        )


_GEM_DOC_OFF = {"--no-document", "--no-doc", "-N"}


class GemDocsInstalled(_CacheRule):
    code = "DF309"
    name = "gem-docs-installed"
    severity = Severity.INFO
    summary = "gem install builds documentation into the layer"
    description = (
        "`gem install` generates ri/rdoc documentation for every gem unless told not to; in an "
        "image nobody reads it. Use `gem install --no-document`, or write "
        "`gem: --no-document` to gemrc. The official `ruby` images already ship such a gemrc, "
        "so stages built on them are not checked."
    )
    bad = "FROM debian:12\nRUN gem install rake -v 13.2.1\n"
    good = "FROM debian:12\nRUN gem install --no-document rake -v 13.2.1\n"
    cache_key = None  # documentation is not a cache dir

    def triggers(self, invocation: Invocation) -> bool:
        if invocation.manager != "gem" or invocation.action not in {"install", "update"}:
            return False
        if invocation.has(*_GEM_DOC_OFF):
            return False
        return not (invocation.has("--no-ri") and invocation.has("--no-rdoc"))

    def exempt(
        self,
        context: DockerfileContext,
        stage: Stage,
        instruction: Instruction,
        command: Command,
        invocation: Invocation,
    ) -> bool:
        dockerfile = context.dockerfile
        current: Stage | None = stage
        while current is not None:
            image = current.image
            if image is not None and image.repository.rsplit("/", 1)[-1] == "ruby":
                return True
            for earlier in run_instructions(current):
                if earlier is instruction:
                    break
                if any(
                    "gem:" in word and "--no-doc" in word
                    for cmd in commands(context, earlier)
                    for word in cmd.texts
                ):
                    return True
            parent = current.base_stage
            current = dockerfile.stages[parent] if parent is not None else None
        return False

    def message(self, invocation: Invocation, cache: CacheInfo | None) -> str:
        return (
            "`gem install` without --no-document adds generated documentation to this "
            "layer; it ships with the image. Add --no-document."
        )

    def fix(self, command: Command, invocation: Invocation) -> Fix | None:
        if invocation.action_index is None:
            return None
        edit = command.insert_after(invocation.action_index, "--no-document")
        return Fix("Add --no-document", (edit,), Applicability.SAFE)


class ComposerCacheKept(_CacheRule):
    code = "DF310"
    name = "composer-cache-kept"
    severity = Severity.INFO
    summary = "composer install leaves composer's download cache in the layer"
    description = (
        "composer keeps every downloaded package archive in its cache dir (`~/.composer/cache`, "
        "or `/tmp/cache` in the official composer image). Use `composer install --no-cache`, "
        "`ENV COMPOSER_CACHE_DIR=/dev/null`, `composer clear-cache` in the same RUN, or a cache "
        "mount. A `composer` builder stage copied out with `COPY --from` is not checked."
    )
    bad = (
        "FROM php:8.3-fpm\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/\n"
        "RUN composer install --no-dev\n"
    )
    good = (
        "FROM php:8.3-fpm\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/\n"
        "RUN composer install --no-dev --no-cache\n"
    )
    cache_key = "composer"

    def triggers(self, invocation: Invocation) -> bool:
        return (
            invocation.manager == "composer"
            and invocation.action in {"install", "add", "upgrade", "create-project"}
            and not invocation.has("--no-cache")
        )

    def cleans(self, invocation: Invocation) -> bool:
        return invocation.manager == "composer" and invocation.action == "clean"

    def exempt(
        self,
        context: DockerfileContext,
        stage: Stage,
        instruction: Instruction,
        command: Command,
        invocation: Invocation,
    ) -> bool:
        env = dict(stage_env(context.dockerfile, stage, until=_outer(stage, instruction)))
        env.update(command.environment)
        return env.get("COMPOSER_CACHE_DIR") == "/dev/null"


# Commands that may sit next to `apt-get update` without installing anything.
_HOUSEKEEPING = {
    "rm",
    "echo",
    "printf",
    "true",
    ":",
    "set",
    "mkdir",
    "ln",
    "cp",
    "mv",
    "chmod",
    "chown",
    "touch",
    "sed",
    "cat",
    "tee",
}
_LIST_REFRESH = {"apt-get", "apt", "aptitude", "apk"}
_USES_LISTS = {
    "install",
    "upgrade",
    "dist-upgrade",
    "build-dep",
    "source",
    "satisfy",
    "fix",
    "download",
}


_LIST_FOLDERS = ("/var/lib/apt/lists", "/var/cache/apk")
_SCRIPT_RUNNERS = {"sh", "bash", "dash", "ash", "zsh"}


def _removes_lists(argv: Sequence[str]) -> bool:
    """``rm -rf /var/lib/apt/lists/*`` (or apk's cache): the RUN leaves no list behind."""
    return (
        bool(argv)
        and basename(argv[0]) == "rm"
        and any(word.rstrip("/*").startswith(_LIST_FOLDERS) for word in argv[1:])
    )


def _may_install(cmds: Sequence[Command]) -> bool:
    """Whether a later RUN may read the package lists: a package install, or a script whose
    content the linter cannot see."""
    for command in cmds:
        invocation = parse_invocation(command.texts)
        if invocation is not None and invocation.manager in _LIST_REFRESH:
            if invocation.action in _USES_LISTS:
                return True
            continue
        program = command.head or ""
        if program.endswith(".sh") or (
            program in _SCRIPT_RUNNERS
            and any(not word.startswith("-") for word in command.texts[1:])
        ):
            return True
    return False


class PackageListUpdateAlone(InstructionRule):
    code = "DF311"
    name = "package-update-alone"
    tags = ("build-cache", "layer-bloat")
    severity = Severity.WARNING
    summary = "apt-get update / apk update in a RUN that installs nothing"
    description = (
        "Docker caches each RUN by its text. A RUN that only refreshes the package lists is "
        "cached forever, so a later `RUN apt-get install` (changed or not) installs from stale "
        "lists, or fails when the mirror has moved on; and the lists stay in that layer. "
        "Update and install in the same RUN. Not reported when that RUN deletes the lists "
        "itself (`apt-get update && apt-get purge ... && rm -rf /var/lib/apt/lists/*`), or when "
        "no later RUN of the stage (or of a stage built on it) installs packages or runs a "
        "script: then no stale list is ever read."
    )
    bad = (
        "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\n"
    )
    good = (
        "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends"
        " curl \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    aliases = ("DS-0017", "CKV_DOCKER_5")
    keywords = frozenset({"RUN"})
    onbuild = True

    def check(self, instruction: Instruction, context: DockerfileContext) -> Iterator[Diagnostic]:
        stage = context.stage_of(instruction)
        if stage is None:
            return
        found = list(self._check_run(context, commands(context, instruction)))
        if found and any(own is instruction for own in stage.instructions):  # not ONBUILD
            runs = list(run_instructions(stage))
            index = next(i for i, run in enumerate(runs) if run is instruction)
            later = runs[index + 1 :] + [
                run
                for child in context.dockerfile.stages
                if child.base_stage == stage.index
                for run in run_instructions(child)
            ]
            if not any(_may_install(commands(context, run)) for run in later):
                return  # nothing after it installs: no stale list is ever used
        yield from found

    def _check_run(self, context: DockerfileContext, cmds: list[Command]) -> Iterator[Diagnostic]:
        updates: list[tuple[Command, Invocation]] = []
        for command in cmds:
            invocation = parse_invocation(command.texts)
            if invocation is not None and invocation.manager in _LIST_REFRESH:
                if invocation.action == "update":
                    updates.append((command, invocation))
                    continue
                if invocation.action in _USES_LISTS:
                    return
                continue
            if _removes_lists(command.texts):
                return  # the RUN deletes the lists it fetched (purge-and-clean): none stay stale
            if command.head not in _HOUSEKEEPING:
                return  # a script or tool we cannot see into may install
        for command, invocation in updates:
            span = Span(command.word_span(invocation.program_index).start, command.span.end)
            yield self.report(
                context.path,
                span,
                f"`{invocation.manager} update` in a RUN that installs nothing: "
                "Docker caches this layer, so later installs use stale package "
                "lists. Update and install in the same RUN.",
            )


def _broad_copy(instruction: Instruction) -> bool:
    """COPY/ADD of the whole build context (``COPY . .``, ``COPY ./ /app``, ``COPY * ./``)."""
    if instruction.keyword not in {"COPY", "ADD"} or instruction.flag("from") is not None:
        return False
    if instruction.json_args is not None:
        sources = list(instruction.json_args[:-1])
    else:
        sources = [word.text.strip("\"'") for word in instruction.words[:-1]]
    return any(source in {".", "./", "*", "./*", "/", "./."} for source in sources)


def _has_cache_mount(instruction: Instruction) -> bool:
    return any(mount.type == "cache" for mount in mounts(instruction))


class CopyAllBeforeDependencyInstall(StageRule):
    code = "DF312"
    name = "copy-all-before-dependency-install"
    tags = ("build-cache",)
    severity = Severity.INFO
    summary = "COPY of the whole context before the dependency install busts its cache"
    description = (
        "Docker reuses a cached layer only when every layer before it is unchanged. After "
        "`COPY . .`, any edit to any source file invalidates the next RUN, so `npm ci`, "
        "`pip install -r`, `go mod download` and friends download and install every "
        "dependency again on each build. Copy the manifest and lock file first, install, then "
        "copy the rest. A dependency install that already ran earlier in the stage, or that "
        "uses a `--mount=type=cache`, is not reported."
    )
    bad = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'
    good = (
        "FROM node:20-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
        'COPY . .\nCMD ["node", "server.js"]\n'
    )

    def check(self, stage: Stage, context: DockerfileContext) -> Iterator[Diagnostic]:
        broad: Instruction | None = None
        installed: set[str] = set()  # ecosystems installed before the broad COPY
        for instruction in stage.instructions:
            if broad is None and _broad_copy(instruction):
                broad = instruction
                continue
            if instruction.keyword != "RUN":
                continue
            for command in commands(context, instruction):
                found = dependency_install(command.texts)
                if found is None:
                    continue
                if broad is None:
                    installed.add(found.ecosystem)
                    continue
                if found.ecosystem in installed or _has_cache_mount(instruction):
                    continue
                installed.add(found.ecosystem)
                yield self.report(
                    context.path,
                    Span(command.span.start, command.span.end),
                    f"`{found.description}` runs after `COPY` of the whole context "
                    f"(line {broad.line}): every source change re-installs all "
                    f"dependencies. COPY {found.manifests} first, install, then COPY the "
                    "rest.",
                )


RULES = (
    AptListsNotRemoved,
    ApkCacheKept,
    PipCacheKept,
    NpmCacheKept,
    YarnCacheKept,
    YumCacheKept,
    DnfCacheKept,
    ZypperCacheKept,
    GemDocsInstalled,
    ComposerCacheKept,
    PackageListUpdateAlone,
    CopyAllBeforeDependencyInstall,
)
