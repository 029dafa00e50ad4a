"""What shiplint knows about package managers, shared by the rule packs (read-only for others).

Everything here works on a command's argv as plain strings (quotes already removed), so it
does not depend on how the shell view represents words: rules map the indices returned here
back to the words' spans. Nothing here reports anything.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from linter.dockerfile.shell import Option, basename, program_start, split_arguments
from linter.patterns import lazy_compile
from linter.records import record

from ._paths import normalise_path, path_covers

# ---------------------------------------------------------------------------------------------
# invocations of package managers


@record(compiled=True)
class Operand:
    text: str
    index: int


@record
class Invocation:
    """One run of a package manager, e.g. ``apt-get -y install curl``."""

    manager: str  # canonical: "apt-get", "apt", "apk", "pip", "npm", "yarn", "dnf", ...
    program_index: int  # argv index of the manager's own word (``pip`` in ``python -m pip``)
    action: str | None  # canonical action: "install", "update", "clean", ... or the raw word
    action_word: str | None  # as written
    action_index: int | None
    group: str | None  # "module", "group", "global", "cache", "mod": the word before the action
    options: tuple[Option, ...]
    operands: tuple[Operand, ...]  # positional words after the action

    def has(self, *names: str) -> bool:
        return any(option.name in names for option in self.options)

    def value(self, *names: str) -> str | None:
        found = None
        for option in self.options:
            if option.name in names:
                found = option.value
        return found

    def count(self, *names: str) -> int:
        return sum(1 for option in self.options if option.name in names)

    @property
    def insert_index(self) -> int:
        """Where to insert a flag: right after the action word (or the program word)."""
        return self.action_index if self.action_index is not None else self.program_index


@record(compiled=True)
class ManagerSpec:
    name: str
    actions: Mapping[str, str]  # raw action word -> canonical action
    value_options: frozenset[str]  # options whose value is the next word when not attached
    grouping: frozenset[str] = frozenset()  # words that take a second action word
    single_dash_long: bool = False  # ``-ldflags``: single-dash options are not clusters
    default_action: str | None = None  # what running it with no action does


def _actions(**groups: Iterable[str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, words in groups.items():
        for word in words:
            table[word] = canonical.replace("_", "-")
    return table


_APT_ACTIONS = _actions(
    install=["install"],
    update=["update"],
    upgrade=["upgrade"],
    dist_upgrade=["dist-upgrade", "full-upgrade"],
    remove=["remove"],
    purge=["purge"],
    autoremove=["autoremove", "auto-remove"],
    clean=["clean"],
    autoclean=["autoclean", "auto-clean"],
    distclean=["distclean", "dist-clean"],
    build_dep=["build-dep"],
    source=["source"],
    satisfy=["satisfy"],
)
_APT_VALUES = frozenset(
    {
        "-o",
        "--option",
        "-t",
        "--target-release",
        "--default-release",
        "-c",
        "--config-file",
        "-a",
        "--host-architecture",
    }
)
_RPM_VALUES = frozenset(
    {
        "--setopt",
        "-c",
        "--config",
        "--installroot",
        "--releasever",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "-x",
        "--exclude",
        "--forcearch",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "--rpmverbosity",
        "--downloaddir",
        "--destdir",
        "--repofrompath",
    }
)
_YUM_ACTIONS = _actions(
    install=[
        "install",
        "groupinstall",
        "localinstall",
        "reinstall",
        "install-n",
        "install-na",
        "install-nevra",
    ],
    update=["makecache", "check-update"],
    upgrade=[
        "update",
        "upgrade",
        "update-minimal",
        "upgrade-minimal",
        "up",
        "distro-sync",
        "dsync",
    ],
    remove=["remove", "erase", "rm", "autoremove", "groupremove"],
    clean=["clean"],
)

SPECS: Mapping[str, ManagerSpec] = {
    "apt-get": ManagerSpec("apt-get", _APT_ACTIONS, _APT_VALUES),
    "apt": ManagerSpec("apt", {**_APT_ACTIONS, "full-upgrade": "dist-upgrade"}, _APT_VALUES),
    "aptitude": ManagerSpec("aptitude", _APT_ACTIONS, _APT_VALUES),
    "apk": ManagerSpec(
        "apk",
        _actions(
            install=["add"],
            remove=["del"],
            update=["update"],
            upgrade=["upgrade"],
            cache=["cache"],
            fix=["fix"],
        ),
        frozenset(
            {
                "-t",
                "--virtual",
                "-X",
                "--repository",
                "-p",
                "--root",
                "--arch",
                "--cache-dir",
                "--keys-dir",
                "--repositories-file",
                "--cache-max-age",
            }
        ),
    ),
    "pip": ManagerSpec(
        "pip",
        _actions(
            install=["install"],
            remove=["uninstall"],
            download=["download"],
            wheel=["wheel"],
            cache=["cache"],
        ),
        frozenset(
            {
                "-r",
                "--requirement",
                "-c",
                "--constraint",
                "-e",
                "--editable",
                "-t",
                "--target",
                "--platform",
                "--python-version",
                "--implementation",
                "--abi",
                "--root",
                "--prefix",
                "--src",
                "--upgrade-strategy",
                "-C",
                "--config-settings",
                "--global-option",
                "-i",
                "--index-url",
                "--extra-index-url",
                "-f",
                "--find-links",
                "--trusted-host",
                "--cache-dir",
                "--log",
                "--timeout",
                "--retries",
                "--proxy",
                "--cert",
                "--client-cert",
                "--no-binary",
                "--only-binary",
                "--progress-bar",
                "--root-user-action",
                "--python",
                "--report",
                "--exists-action",
                "--keyring-provider",
                "--use-feature",
                "--use-deprecated",
                "--group",
                "--log-file",
            }
        ),
    ),
    "npm": ManagerSpec(
        "npm",
        _actions(
            install=[
                "install",
                "i",
                "in",
                "ins",
                "inst",
                "insta",
                "instal",
                "isnt",
                "isnta",
                "isntal",
                "isntall",
                "add",
            ],
            ci=["ci", "clean-install", "ic", "install-clean", "isntall-clean"],
            cache=["cache"],
            remove=["uninstall", "remove", "rm", "un", "unlink", "r"],
            update=["update", "up", "upgrade", "udpate"],
        ),
        frozenset(
            {
                "--prefix",
                "--registry",
                "--cache",
                "-w",
                "--workspace",
                "--omit",
                "--include",
                "--loglevel",
                "--userconfig",
                "--tag",
                "--install-strategy",
                "--location",
                "-C",
            }
        ),
    ),
    "yarn": ManagerSpec(
        "yarn",
        _actions(
            install=["install"],
            add=["add"],
            cache=["cache"],
            remove=["remove"],
            upgrade=["upgrade", "up"],
        ),
        frozenset(
            {
                "--cache-folder",
                "--modules-folder",
                "--network-timeout",
                "--registry",
                "--mutex",
                "--cwd",
                "--global-folder",
                "--link-folder",
            }
        ),
        grouping=frozenset({"global", "workspace"}),
        default_action="install",
    ),
    "pnpm": ManagerSpec(
        "pnpm",
        _actions(install=["install", "i"], add=["add"], remove=["remove", "rm"], store=["store"]),
        frozenset({"--store-dir", "--dir", "-C", "--filter", "-F", "--registry"}),
        default_action="install",
    ),
    "yum": ManagerSpec(
        "yum",
        {**_YUM_ACTIONS, "in": "install"},
        _RPM_VALUES,
        grouping=frozenset({"module", "group", "groups"}),
    ),
    "dnf": ManagerSpec(
        "dnf",
        {**_YUM_ACTIONS, "in": "install"},
        _RPM_VALUES,
        grouping=frozenset({"module", "group", "groups"}),
    ),
    "microdnf": ManagerSpec(
        "microdnf", {**_YUM_ACTIONS, "in": "install"}, _RPM_VALUES, grouping=frozenset({"module"})
    ),
    "zypper": ManagerSpec(
        "zypper",
        _actions(
            install=["install", "in", "source-install", "si"],
            remove=["remove", "rm"],
            update=["refresh", "ref"],
            upgrade=["update", "up", "patch"],
            dist_upgrade=["dist-upgrade", "dup"],
            clean=["clean", "cc"],
        ),
        frozenset(
            {
                "-t",
                "--type",
                "-r",
                "--repo",
                "--from",
                "-R",
                "--root",
                "-D",
                "--reposd-dir",
                "-C",
                "--cache-dir",
                "--raw-cache-dir",
                "--solv-cache-dir",
                "--pkg-cache-dir",
                "-c",
                "--config",
            }
        ),
    ),
    "gem": ManagerSpec(
        "gem",
        _actions(install=["install", "i"], update=["update"], remove=["uninstall"]),
        frozenset(
            {
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "--platform",
                "-s",
                "--source",
                "-P",
                "--trust-policy",
                "--document",
                "-g",
                "--file",
            }
        ),
    ),
    "composer": ManagerSpec(
        "composer",
        _actions(
            install=["install", "i"],
            add=["require", "r"],
            upgrade=["update", "u", "upgrade"],
            create_project=["create-project"],
            clean=["clear-cache", "clearcache", "cc"],
        ),
        frozenset({"-d", "--working-dir"}),
        grouping=frozenset({"global"}),
    ),
    "go": ManagerSpec(
        "go",
        _actions(
            install=["install"], get=["get"], run=["run"], build=["build"], download=["download"]
        ),
        frozenset(
            {
                "-o",
                "-p",
                "-C",
                "-tags",
                "-ldflags",
                "-gcflags",
                "-asmflags",
                "-mod",
                "-modfile",
                "-pkgdir",
                "-toolexec",
                "-overlay",
                "-exec",
                "-buildmode",
                "-compiler",
                "-gccgoflags",
                "-installsuffix",
                "-pgo",
                "-covermode",
                "-coverpkg",
            }
        ),
        grouping=frozenset({"mod"}),
        single_dash_long=True,
    ),
}

_PIP_PROGRAM = lazy_compile(r"^pip(\d+(\.\d+)*)?$")
_PYTHON_PROGRAM = lazy_compile(r"^python(\d+(\.\d+)*)?$")


def manager_of(program: str) -> str | None:
    """The canonical manager name for a program word (``pip3.12`` -> ``pip``)."""
    name = basename(program)
    if name in SPECS:
        return name
    if _PIP_PROGRAM.match(name):
        return "pip"
    return None


def parse_invocation(argv: Sequence[str]) -> Invocation | None:
    """Recognise a package-manager command; ``None`` for anything else.

    Handles wrappers (``sudo``, ``env``, leading ``VAR=value``) and ``python -m pip``.
    Many rules ask about the same commands, so answers are memoised per argv.
    """
    return _parse_invocation_cached(tuple(argv))


@functools.lru_cache(maxsize=8192)
def _parse_invocation_cached(argv: tuple[str, ...]) -> Invocation | None:
    start = program_start(argv)
    if start >= len(argv):
        return None
    program = basename(argv[start])
    manager = manager_of(program)
    if manager is None and _PYTHON_PROGRAM.match(program):
        index = start + 1
        while index < len(argv) and argv[index].startswith("-") and argv[index] != "-m":
            index += 1
        if index + 1 < len(argv) and argv[index] == "-m" and argv[index + 1] == "pip":
            return _parse_with(SPECS["pip"], argv, index + 1)
        return None
    if manager is None:
        return None
    return _parse_with(SPECS[manager], argv, start)


def _parse_with(spec: ManagerSpec, argv: Sequence[str], program_index: int) -> Invocation:
    options, found = split_arguments(argv, program_index, spec.value_options, spec.single_dash_long)
    positionals = [Operand(argv[index], index) for index in found]
    action: str | None = None
    action_word: str | None = None
    action_index: int | None = None
    group: str | None = None
    operands = positionals
    if positionals:
        first = positionals[0]
        if first.text in spec.grouping and len(positionals) > 1:
            group = first.text
            first = positionals[1]
            operands = positionals[2:]
        else:
            operands = positionals[1:]
        action_word = first.text
        action_index = first.index
        action = spec.actions.get(first.text, first.text)
    elif spec.default_action is not None:
        action = spec.default_action
    return Invocation(
        manager=spec.name,
        program_index=program_index,
        action=action,
        action_word=action_word,
        action_index=action_index,
        group=group,
        options=options,
        operands=tuple(operands),
    )


# ---------------------------------------------------------------------------------------------
# caches and package lists: where each manager leaves bytes behind


@record
class CacheInfo:
    """Where a manager keeps its cache, and the ways to keep that cache out of the layer."""

    manager: str
    label: str  # what is left behind, for messages: "the apt package lists"
    dirs: tuple[str, ...]  # absolute dirs (``~`` = any home); a cache/tmpfs mount on one exempts
    cleanup: str  # the advice: "rm -rf /var/lib/apt/lists/*"


CACHES: Mapping[str, CacheInfo] = {
    "apt": CacheInfo(
        "apt",
        "the apt package lists (/var/lib/apt/lists)",
        ("/var/lib/apt/lists", "/var/lib/apt"),
        "`rm -rf /var/lib/apt/lists/*` in the same RUN",
    ),
    "apk": CacheInfo(
        "apk",
        "the apk index cache (/var/cache/apk)",
        ("/var/cache/apk", "/etc/apk/cache"),
        "`apk add --no-cache`",
    ),
    "pip": CacheInfo(
        "pip",
        "pip's download and wheel cache (~/.cache/pip)",
        ("~/.cache/pip", "~/.cache"),
        "`pip install --no-cache-dir` (or `ENV PIP_NO_CACHE_DIR=1`)",
    ),
    "npm": CacheInfo(
        "npm",
        "npm's download cache (~/.npm)",
        ("~/.npm", "~/.npm/_cacache"),
        "`npm cache clean --force` in the same RUN, or a cache mount on ~/.npm",
    ),
    "yarn": CacheInfo(
        "yarn",
        "yarn's package cache",
        ("~/.cache/yarn", "/usr/local/share/.cache/yarn", "~/.yarn/berry/cache", "~/.cache"),
        "`yarn cache clean` in the same RUN, or a cache mount",
    ),
    "yum": CacheInfo(
        "yum",
        "the yum metadata and package cache (/var/cache/yum)",
        ("/var/cache/yum",),
        "`yum clean all` in the same RUN",
    ),
    "dnf": CacheInfo(
        "dnf",
        "the dnf metadata and package cache (/var/cache/dnf)",
        ("/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"),
        "`dnf clean all` in the same RUN",
    ),
    "microdnf": CacheInfo(
        "microdnf",
        "the microdnf metadata cache (/var/cache/yum)",
        ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"),
        "`microdnf clean all` in the same RUN",
    ),
    "zypper": CacheInfo(
        "zypper",
        "the zypper metadata and package cache (/var/cache/zypp)",
        ("/var/cache/zypp",),
        "`zypper clean --all` in the same RUN",
    ),
    "composer": CacheInfo(
        "composer",
        "composer's download cache",
        ("~/.composer/cache", "~/.cache/composer", "/tmp/cache", "/tmp/composer-cache"),
        "`composer install --no-cache`, or `COMPOSER_CACHE_DIR=/dev/null`",
    ),
}


def expand_home(path: str, home: str = "/root") -> str:
    """``~/x`` and ``$HOME/x`` -> ``/root/x`` (builds run as root unless USER says otherwise)."""
    for prefix in ("~/", "$HOME/", "${HOME}/"):
        if path.startswith(prefix):
            return home.rstrip("/") + "/" + path[len(prefix) :]
    if path in {"~", "$HOME", "${HOME}"}:
        return home
    return path


def cache_dir_matches(cache_dir: str, path: str) -> bool:
    """Does ``path`` (a mount target or an ``rm`` argument) cover the cache dir?

    ``~`` in a cache dir matches any home folder (``/root/.npm``, ``/home/node/.npm``).
    """
    target = normalise_path(expand_home(path))
    if not cache_dir.startswith("~/"):
        return path_covers(target, cache_dir)
    tail = cache_dir[1:]
    homes = ["/root"]
    user_home = re.match(r"^/home/[^/]+", target)
    if user_home:
        homes.append(user_home.group(0))
    return target.endswith(tail) or any(path_covers(target, home + tail) for home in homes)


# ---------------------------------------------------------------------------------------------
# dependency installs that read a project's manifest (for build-cache ordering)

_MANIFESTS: Mapping[str, str] = {
    "npm": "package.json and package-lock.json",
    "yarn": "package.json and yarn.lock",
    "pnpm": "package.json and pnpm-lock.yaml",
    "pip": "requirements*.txt",
    "poetry": "pyproject.toml and poetry.lock",
    "pipenv": "Pipfile and Pipfile.lock",
    "uv": "pyproject.toml and uv.lock",
    "go": "go.mod and go.sum",
    "bundle": "Gemfile and Gemfile.lock",
    "cargo": "Cargo.toml and Cargo.lock",
    "composer": "composer.json and composer.lock",
    "mvn": "pom.xml",
    "gradle": "build.gradle(.kts) and settings.gradle(.kts)",
}


@record
class DependencyInstall:
    ecosystem: str  # "npm", "pip", "go", ...
    description: str  # "npm ci"
    manifests: str  # what to COPY first


def dependency_install(argv: Sequence[str]) -> DependencyInstall | None:
    """A command that installs a project's dependencies from its manifest, if it is one."""
    start = program_start(argv)
    if start >= len(argv):
        return None
    program = basename(argv[start])
    args = list(argv[start + 1 :])
    plain = [word for word in args if not word.startswith("-")]
    first = plain[0] if plain else None
    invocation = parse_invocation(argv)
    ecosystem: str | None = None
    if invocation is not None:
        manager = invocation.manager
        if (
            manager == "npm"
            and invocation.action in {"ci", "install"}
            and not invocation.operands
            and not invocation.has("-g", "--global")
        ):
            ecosystem = "npm"
        elif manager == "yarn" and invocation.action == "install" and invocation.group is None:
            ecosystem = "yarn"
        elif manager == "pnpm" and invocation.action == "install" and not invocation.operands:
            ecosystem = "pnpm"
        elif (
            manager == "pip"
            and invocation.action == "install"
            and invocation.has("-r", "--requirement")
        ):
            ecosystem = "pip"
        elif manager == "composer" and invocation.action == "install":
            ecosystem = "composer"
        elif manager == "go" and invocation.group == "mod" and invocation.action == "download":
            ecosystem = "go"
    elif program == "poetry" and first == "install":
        ecosystem = "poetry"
    elif program == "pipenv" and first in {"install", "sync"}:
        ecosystem = "pipenv"
    elif program == "uv" and first == "sync":
        ecosystem = "uv"
    elif program == "bundle" and first in {None, "install"}:
        ecosystem = "bundle"
    elif program == "cargo" and first in {"fetch", "build"}:
        ecosystem = "cargo"
    elif program in {"mvn", "mvnw"} and any(
        goal.startswith("dependency:") or goal in {"package", "install", "verify"} for goal in plain
    ):
        ecosystem = "mvn"
    elif program in {"gradle", "gradlew"} and any(
        task in {"build", "dependencies", "assemble", "bootJar", "jar"} for task in plain
    ):
        ecosystem = "gradle"
    if ecosystem is None:
        return None
    text = " ".join([program, *args[:2]]).strip()
    return DependencyInstall(ecosystem, text, _MANIFESTS[ecosystem])
