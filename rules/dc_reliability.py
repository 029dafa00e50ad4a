"""Reliability rules: stacks that start, stay up, and keep their data.

Each rule follows from how Docker runs a compose project: a healthy-dependency needs a
healthcheck, durations need units, a datastore's data dies with its container unless it is
mounted, a fixed name or host port cannot be shared by two replicas.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from linter import BuildLink, ComposeContext, Diagnostic, Severity
from linter.compose.model import Service
from linter.compose.nodes import MappingNode, Node, ScalarNode, SequenceNode
from linter.dockerfile.ast import Dockerfile, Stage
from linter.targets import ComposeRule, ServiceRule

from ._compose_values import (
    int_value,
    key_value_entries,
    scalar_text,
    service_datastore,
    service_image,
    service_ports,
    service_volumes,
    stateless_role,
)
from ._dockerfile_words import stage_chain
from ._image_roles import Datastore
from ._paths import path_covers

# ---------------------------------------------------------------------------------------------
# depends_on: condition: service_healthy


def _healthcheck_state(node: Node | None) -> str:
    """ "defined", "disabled" or "absent" for a service's ``healthcheck:`` value."""
    if not isinstance(node, MappingNode):
        return "absent"
    disable = node.get("disable")
    if isinstance(disable, ScalarNode) and disable.value is True:
        return "disabled"
    test = node.get("test")
    if isinstance(test, SequenceNode) and test.items and scalar_text(test.items[0]) == "NONE":
        return "disabled"
    if test is None:
        # Only timings: the image's own HEALTHCHECK command is kept.
        return "inherited"
    return "defined"


def _target_chain(dockerfile: Dockerfile, target: str | None) -> list[Stage] | None:
    """The target stage (or the last one) and the stages it builds on, nearest first."""
    if not dockerfile.stages:
        return None
    stage = dockerfile.stage_by_name(target) if target else dockerfile.stages[-1]
    if stage is None:
        return None
    return stage_chain(dockerfile, stage)


def dockerfile_healthcheck(link: BuildLink) -> str | None:
    """ "defined", "disabled" or "absent" for the built stage; None when unknown."""
    if link.dockerfile is None or link.remote:
        return None
    build = link.build_node
    target = scalar_text(build.get("target")) if isinstance(build, MappingNode) else None
    chain = _target_chain(link.dockerfile, target)
    if chain is None:
        return None
    for stage in chain:
        for instruction in reversed(stage.instructions):
            if instruction.keyword == "HEALTHCHECK":
                words = [word.text.upper() for word in instruction.words]
                return "disabled" if words[:1] == ["NONE"] else "defined"
    return "absent"


class HealthyDependencyWithoutHealthcheck(ServiceRule):
    code = "DC400"
    name = "healthy-dependency-without-healthcheck"
    tags = ("reliability", "reference")
    severity = Severity.ERROR
    summary = "`condition: service_healthy` on a service that has no healthcheck"
    description = (
        "A service that waits for `service_healthy` never starts when its dependency has no "
        'healthcheck: `docker compose up` fails with "container ... has no healthcheck '
        "configured\". The dependency's healthcheck can come from compose (`healthcheck:`) or "
        "from a `HEALTHCHECK` in the Dockerfile stage it builds. Images shiplint cannot see "
        "are only reported when they are Docker Official Images, which by policy define no "
        "`HEALTHCHECK`."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on:\n      db:\n"
        "        condition: service_healthy\n  db:\n    image: postgres:16\n"
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    depends_on:\n      db:\n"
        "        condition: service_healthy\n  db:\n    image: postgres:16\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready -U postgres"]\n      interval: 10s\n'
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        services = context.project.services
        depends = service.get("depends_on")
        if not isinstance(depends, MappingNode):
            return
        for pair in depends.pairs:
            if not isinstance(pair.value, MappingNode):
                continue
            condition = pair.value.get("condition")
            if scalar_text(condition) != "service_healthy" or condition is None:
                continue
            other = services.get(str(pair.key.value))
            if other is None:
                continue
            reason = self._missing(other, context.build_for(other.name))
            if reason:
                yield self.report(
                    condition.path,
                    condition.span,
                    f"{service.name!r} waits for {other.name!r} to be healthy, but {reason}",
                )

    @staticmethod
    def _missing(service: Service, link: BuildLink | None) -> str | None:
        """Why the service can never become healthy, or None when it can (or may)."""
        state = _healthcheck_state(service.get("healthcheck"))
        if state == "disabled":
            return "its healthcheck is disabled"
        if state == "defined":
            return None
        if link is not None:
            built = dockerfile_healthcheck(link)
            if built == "disabled" and state == "absent":
                return "its Dockerfile sets HEALTHCHECK NONE"
            if built in ("absent", "disabled"):
                return (
                    "it has no healthcheck in compose nor a HEALTHCHECK in the Dockerfile "
                    "stage it builds"
                )
            return None
        image = service_image(service)
        if image is None or image[1].has_variables:
            return None
        name = image[1]
        official = name.is_docker_hub and "/" not in name.canonical_repository
        if official:
            return f"it has no healthcheck and the official image {name.text!r} defines none"
        return None


# ---------------------------------------------------------------------------------------------
# Durations and healthcheck tests


_DURATION = re.compile(r"^\+?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")
_HEALTHCHECK_DURATIONS = ("interval", "timeout", "start_period", "start_interval")


def _duration_nodes(service: Service) -> Iterator[tuple[str, Node]]:
    healthcheck = service.get("healthcheck")
    if isinstance(healthcheck, MappingNode):
        for key in _HEALTHCHECK_DURATIONS:
            if (node := healthcheck.get(key)) is not None:
                yield f"healthcheck.{key}", node
    if (node := service.get("stop_grace_period")) is not None:
        yield "stop_grace_period", node
    deploy = service.get("deploy")
    if not isinstance(deploy, MappingNode):
        return
    for section, keys in (
        ("restart_policy", ("delay", "window")),
        ("update_config", ("delay", "monitor")),
        ("rollback_config", ("delay", "monitor")),
    ):
        mapping = deploy.get(section)
        if isinstance(mapping, MappingNode):
            for key in keys:
                if (node := mapping.get(key)) is not None:
                    yield f"deploy.{section}.{key}", node


def duration_problem(node: Node) -> str | None:
    """Why a compose duration value is wrong, or None when Docker reads it as meant."""
    if not isinstance(node, ScalarNode) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "is a boolean, not a duration"
    if isinstance(node.value, (int, float)):
        if node.value == 0:
            return None
        return (
            f"is a bare number: Compose reads {node.text} as nanoseconds, not seconds; "
            f'write a unit, e.g. "{node.text}s"'
        )
    if node.unknown:
        return None  # an unset variable: unknown, not malformed
    text = node.value.strip()
    if text == "0" or _DURATION.match(text):
        return None
    if text.startswith("-"):
        return "is negative"
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return f'has no unit; write e.g. "{text}s" (units: us, ms, s, m, h)'
    if "$" in text:
        return None  # an unset variable: the interpolation rules speak about it
    return "is not a duration such as 30s, 1m30s or 500ms (units: us, ms, s, m, h)"


class InvalidDuration(ServiceRule):
    code = "DC401"
    name = "invalid-duration"
    tags = ("reliability", "schema")
    severity = Severity.ERROR
    summary = "A healthcheck or deploy duration without a unit or in a bad format"
    description = (
        "Compose durations are Go durations: a number with a unit (`10s`, `1m30s`, `500ms`). "
        'A string without a unit (`"30"`) is rejected, and a bare YAML number (`interval: '
        "30`) is read as nanoseconds, which Docker refuses (intervals must be at least 1ms) "
        "or, for `stop_grace_period`, silently turns into an immediate kill."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n"
        '      test: ["CMD", "curl", "-f", "http://localhost/"]\n      interval: 30\n'
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n"
        '      test: ["CMD", "curl", "-f", "http://localhost/"]\n      interval: 30s\n'
        "      timeout: 5s\n      start_period: 1m\n"
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for key, node in _duration_nodes(service):
            problem = duration_problem(node)
            if problem:
                yield self.report(node.path, node.span, f"`{key}` {problem}")


_SHELL_OPERATORS = frozenset({"||", "&&", "|", ";", ">", ">>", "<", "2>&1", "&"})


def healthcheck_test_problem(test: Node) -> tuple[Node, str, Severity] | None:
    """The first thing wrong with a ``healthcheck.test`` list, if any."""
    if not isinstance(test, SequenceNode):
        return None
    items = test.items
    if not items:
        return test, "an empty test list runs nothing", Severity.ERROR
    kind = scalar_text(items[0])
    args = [scalar_text(item) or "" for item in items[1:]]
    if kind not in ("CMD", "CMD-SHELL", "NONE"):
        message = "the first item must be CMD, CMD-SHELL or NONE"
        if kind:
            message += f', not {kind!r}; write ["CMD", {kind!r}, ...]'
        return items[0], message, Severity.ERROR
    if kind == "NONE":
        return None
    if not args:
        return items[0], f"{kind} without a command", Severity.ERROR
    if kind == "CMD-SHELL" and len(args) > 1:
        return (
            items[2],
            "CMD-SHELL takes the whole command as one string; the extra items "
            "become arguments of the shell, not of the command",
            Severity.WARNING,
        )
    if kind == "CMD":
        if len(args) == 1 and " " in args[0].strip():
            return (
                items[1],
                "CMD runs its first argument as the program name, spaces "
                "included; split the words or use CMD-SHELL",
                Severity.WARNING,
            )
        for item, arg in zip(items[1:], args, strict=True):
            if arg in _SHELL_OPERATORS:
                return (
                    item,
                    f"{arg!r} is passed to the program as an argument: CMD runs no "
                    "shell; use CMD-SHELL for operators",
                    Severity.WARNING,
                )
    return None


class HealthcheckTestForm(ServiceRule):
    code = "DC402"
    name = "healthcheck-test-form"
    tags = ("reliability",)
    severity = Severity.ERROR
    summary = "A healthcheck `test` list in a form Docker cannot run as meant"
    description = (
        "A `test` list must start with `CMD` (exec the rest, no shell), `CMD-SHELL` (one string "
        "run by `/bin/sh -c`) or `NONE`. A list starting with the program itself is rejected; "
        '`["CMD", "curl -f http://x"]` looks for a program whose name contains spaces; '
        "`||` after `CMD` is an argument, not an operator; `CMD-SHELL` with several items hands "
        "the extras to the shell as `$0`, `$1`. A plain string `test:` is fine: it means "
        "CMD-SHELL."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n"
        '      test: ["curl", "-f", "http://localhost/"]\n'
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]\n'
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        healthcheck = service.get("healthcheck")
        if not isinstance(healthcheck, MappingNode):
            return
        test = healthcheck.get("test")
        found = healthcheck_test_problem(test) if test is not None else None
        if found is not None:
            node, message, severity = found
            yield self.report(
                node.path, node.span, f"healthcheck test: {message}", severity=severity
            )


# ---------------------------------------------------------------------------------------------
# Datastores without persistent data


_DATA_DIR_FLAGS = {
    "postgres": ("-D",),
    "mysql": ("--datadir",),
    "mariadb": ("--datadir",),
    "mongo": ("--dbpath",),
    "redis": ("--dir",),
    "etcd": ("--data-dir",),
    "cassandra": (),
}


def _command_words(service: Service) -> list[str]:
    command = service.get("command")
    if isinstance(command, SequenceNode):
        return [scalar_text(item) or "" for item in command.items]
    text = scalar_text(command)
    if not text:
        return []
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _option(words: list[str], flag: str) -> str | None:
    for index, word in enumerate(words):
        if word == flag and index + 1 < len(words):
            return words[index + 1]
        if word.startswith(flag + "="):
            return word.split("=", 1)[1]
    return None


def data_directories(service: Service, store: Datastore) -> list[str]:
    """Where this service keeps its data: the image's defaults plus what config moves."""
    dirs = list(store.data_dirs)
    words = _command_words(service)
    for flag in _DATA_DIR_FLAGS.get(store.kind, ()):
        value = _option(words, flag)
        if value and value.startswith("/"):
            dirs.append(value)
    if store.kind == "minio" and "server" in words:
        position = words.index("server")
        dirs.extend(w for w in words[position + 1 :] if w.startswith("/"))
    for entry in key_value_entries(service.get("environment")):
        if entry.key in ("PGDATA", "MONGO_DATA_DIR") and entry.value:
            dirs.append(entry.value)
    return dirs


def _persistence_disabled(service: Service, store: Datastore) -> bool:
    """Redis-like caches started with snapshots and AOF off keep nothing on purpose."""
    if store.kind != "redis":
        return False
    words = _command_words(service)
    save = _option(words, "--save")
    appendonly = _option(words, "--appendonly")
    return save in ("", '""', "''") and appendonly in (None, "no")


def _tmpfs_targets(service: Service) -> list[str]:
    node = service.get("tmpfs")
    items = node.items if isinstance(node, SequenceNode) else (node,) if node else ()
    return [text.split(":", 1)[0] for item in items if (text := scalar_text(item))]


class DatastoreWithoutVolume(ServiceRule):
    code = "DC403"
    name = "datastore-without-volume"
    tags = ("reliability",)
    severity = Severity.WARNING
    summary = "A database service keeps its data inside the container"
    description = (
        "A container's writable layer, and the anonymous volume an image's `VOLUME` creates, "
        "belong to that container: after `docker compose down` (or a recreate with "
        "`--renew-anon-volumes`) the next container starts empty. A datastore recognised by "
        "its image (postgres, mysql, mariadb, mongo, redis, elasticsearch, rabbitmq, ...) "
        "needs a named volume or a bind mount on its data directory. Caches such as redis "
        "are reported as info, and not at all when persistence is switched off "
        '(`--save ""`); a `tmpfs` on the data directory is taken as a deliberate choice. '
        "A datastore image whose command makes it a gateway, proxy or client keeps no data "
        "and is not reported: `mongos` routers, redis sentinels, `redis-cli`/`psql`/"
        "`mysqldump` jobs, Elasticsearch coordinating-only nodes (`node.roles` empty), and "
        "an `entrypoint` that runs something other than the server (a setup script)."
    )
    bad = (
        "services:\n  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_PASSWORD_FILE: /run/secrets/pg\n"
    )
    good = (
        "services:\n  db:\n    image: postgres:16\n    volumes:\n"
        "      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\n"
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        store = service_datastore(service)
        if store is None or not store.persistent or service.get("volumes_from") is not None:
            return
        dirs = data_directories(service, store)
        mounts = [m.target for m in service_volumes(service) if m.persists]
        if any(path_covers(mount, directory) for mount in mounts for directory in dirs):
            return
        if any(path_covers(t, d) for t in _tmpfs_targets(service) for d in dirs):
            return
        if _persistence_disabled(service, store) or stateless_role(service, store):
            return
        image = service.get("image")
        assert image is not None  # a datastore is recognised by its image
        severity = Severity.INFO if store.cache else None
        yield self.report(
            image.path,
            image.span,
            f"{store.kind} keeps its data in {dirs[0]}, which no volume or "
            "bind mount covers: the data is lost when the container is "
            "removed (docker compose down)",
            severity=severity,
        )


# ---------------------------------------------------------------------------------------------
# Replicas


def _replicas(service: Service) -> tuple[int, Node] | None:
    deploy = service.get("deploy")
    if isinstance(deploy, MappingNode):
        node = deploy.get("replicas")
        count = int_value(node)
        if count is not None and node is not None and count > 1:
            return count, node
    node = service.get("scale")
    count = int_value(node)
    if count is not None and node is not None and count > 1:
        return count, node
    return None


class UnscalableReplicas(ServiceRule):
    code = "DC404"
    name = "unscalable-replicas"
    tags = ("reliability",)
    severity = Severity.ERROR
    summary = "Several replicas of a service with a fixed container name or host port"
    description = (
        "Every replica is a container. Container names are unique per host, so compose refuses "
        "to scale a service with `container_name`; and only one container can bind a given "
        'host port, so the second replica of `"8080:80"` fails with "port is already '
        'allocated". Drop `container_name`, publish a host port range at least as large as '
        'the replica count, or let Docker pick the host port (`"80"`).'
    )
    bad = (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080:80"]\n'
        "    deploy:\n      replicas: 3\n"
    )
    good = (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["8080-8082:80"]\n'
        "    deploy:\n      replicas: 3\n"
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        found = _replicas(service)
        if found is None:
            return
        count, node = found
        container_name = service.get("container_name")
        if scalar_text(container_name):
            yield self.report(
                node.path,
                node.span,
                f"{count} replicas of {service.name!r} cannot share "
                f"container_name {scalar_text(container_name)!r}",
            )
        for port in service_ports(service):
            if port.has_host_port and len(port.host_ports) < count and port.mode != "host":
                yield self.report(
                    node.path,
                    node.span,
                    f"{count} replicas of {service.name!r} cannot all bind "
                    f"host port {port.host_ports.start}",
                )
                break


# ---------------------------------------------------------------------------------------------
# Deprecated external: {name: x}


class DeprecatedExternalName(ComposeRule):
    code = "DC405"
    name = "deprecated-external-name"
    tags = ("reliability", "best-practice")
    severity = Severity.WARNING
    summary = "`external: {name: x}` is deprecated"
    description = (
        "The old form `external: {name: x}` for networks, volumes, secrets and configs is "
        "deprecated in the compose specification; Docker Compose warns and may drop it. Write "
        "`name: x` beside `external: true`."
    )
    bad = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [proxy]\n"
        "networks:\n  proxy:\n    external:\n      name: traefik_proxy\n"
    )
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [proxy]\n"
        "networks:\n  proxy:\n    name: traefik_proxy\n    external: true\n"
    )

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for section in ("networks", "volumes", "secrets", "configs"):
            mapping = context.project.section(section)
            if mapping is None:
                continue
            for pair in mapping.pairs:
                if not isinstance(pair.value, MappingNode):
                    continue
                external = pair.value.get("external")
                if isinstance(external, MappingNode) and external.get("name") is not None:
                    name = scalar_text(external.get("name"))
                    yield self.report(
                        external.path,
                        external.span,
                        f"`external: {{name: {name}}}` is deprecated: write "
                        f"`name: {name}` and `external: true`",
                    )


# ---------------------------------------------------------------------------------------------
# Restart policy and resource limits (opinionated, off by default)


class MissingRestartPolicy(ServiceRule):
    code = "DC406"
    name = "missing-restart-policy"
    tags = ("reliability",)
    severity = Severity.INFO
    summary = "A long-running service has no restart policy"
    description = (
        "Without `restart:` (or `deploy.restart_policy`) a container that crashes, or that is "
        "running when the Docker daemon restarts, stays down. Use `unless-stopped` or "
        '`on-failure` for services; one-shot jobs can say `restart: "no"` explicitly. Off '
        "by default: development stacks often do not want restarts."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n"
    good = "services:\n  web:\n    image: nginx:1.27\n    restart: unless-stopped\n"
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        if service.get("restart") is not None:
            return
        deploy = service.get("deploy")
        if isinstance(deploy, MappingNode) and deploy.get("restart_policy") is not None:
            return
        yield self.report(
            service.key.path,
            service.key.span,
            f"service {service.name!r} has no restart policy",
        )


def _limit_set(node: Node | None) -> bool:
    """A limit that limits: present and not 0 (0 means unlimited)."""
    text = scalar_text(node)
    if text is None:
        return False
    return text.strip().rstrip("bkmgBKMG").strip() not in ("0", "0.0", "-1", "")


def resource_limits(service: Service) -> tuple[bool, bool]:
    """Whether memory and CPU are limited (reservations do not limit)."""
    memory = _limit_set(service.get("mem_limit"))
    cpu = _limit_set(service.get("cpus")) or _limit_set(service.get("cpu_quota"))
    deploy = service.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, MappingNode) else None
    limits = resources.get("limits") if isinstance(resources, MappingNode) else None
    if isinstance(limits, MappingNode):
        memory = memory or _limit_set(limits.get("memory"))
        cpu = cpu or _limit_set(limits.get("cpus"))
    return memory, cpu


class MissingResourceLimits(ServiceRule):
    code = "DC407"
    name = "missing-resource-limits"
    tags = ("reliability", "security")
    severity = Severity.INFO
    summary = "A service has no memory or CPU limit"
    description = (
        "A container without limits can take all the host's memory (the kernel's OOM killer "
        "then picks any process, maybe another service) or starve its neighbours of CPU. Set "
        "`deploy.resources.limits.memory` and `cpus` (or `mem_limit` and `cpus`); reservations "
        "do not limit, and 0 means unlimited. Off by default."
    )
    bad = "services:\n  web:\n    image: nginx:1.27\n"
    good = (
        "services:\n  web:\n    image: nginx:1.27\n    deploy:\n      resources:\n"
        '        limits:\n          cpus: "0.5"\n          memory: 256M\n'
    )
    aliases = ("CL-0026",)
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        memory, cpu = resource_limits(service)
        missing = [what for what, ok in (("memory", memory), ("CPU", cpu)) if not ok]
        if missing:
            yield self.report(
                service.key.path,
                service.key.span,
                f"service {service.name!r} has no {' and no '.join(missing)} limit",
            )


class DependsOnStartedOnly(ServiceRule):
    code = "DC408"
    name = "depends-on-without-healthy-condition"
    tags = ("reliability",)
    severity = Severity.INFO
    summary = "`depends_on` waits only for the start of a dependency that has a healthcheck"
    description = (
        "`depends_on: [db]` (or an entry without `condition`) only waits until the `db` "
        "container has started, not until it accepts connections: the service starts too "
        "early and fails or retries while the database initialises. When the dependency "
        "defines a healthcheck (in compose, or a `HEALTHCHECK` in the Dockerfile stage it "
        "builds), write `condition: service_healthy` to wait for it. An explicit `condition: "
        "service_started` is taken as a choice. Info: many applications retry on their own."
    )
    bad = (
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4\n    depends_on: [db]\n"
        "  db:\n    image: postgres:17\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready -U postgres"]\n'
    )
    good = (
        "services:\n  api:\n    image: ghcr.io/acme/api:1.4\n    depends_on:\n      db:\n"
        "        condition: service_healthy\n"
        "  db:\n    image: postgres:17\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready -U postgres"]\n'
    )

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        services = context.project.services
        depends = service.get("depends_on")
        entries: list[tuple[str, Node]] = []
        if isinstance(depends, SequenceNode):
            entries = [(text, item) for item in depends.items if (text := scalar_text(item))]
        elif isinstance(depends, MappingNode):
            entries = [
                (str(pair.key.value), pair.key)
                for pair in depends.pairs
                if not (
                    isinstance(pair.value, MappingNode) and pair.value.get("condition") is not None
                )
            ]
        for name, node in entries:
            other = services.get(name)
            if other is None or other is service:
                continue
            state = _healthcheck_state(other.get("healthcheck"))
            link = context.build_for(other.name)
            if state != "defined" and not (
                state != "disabled"
                and link is not None
                and dockerfile_healthcheck(link) == "defined"
            ):
                continue
            yield self.report(
                node.path,
                node.span,
                f"'{service.name}' starts as soon as '{name}' has started, before its "
                f"healthcheck passes; use `condition: service_healthy` to wait until "
                f"'{name}' is ready",
            )


RULES = (
    HealthyDependencyWithoutHealthcheck,
    DependsOnStartedOnly,
    InvalidDuration,
    HealthcheckTestForm,
    DatastoreWithoutVolume,
    UnscalableReplicas,
    DeprecatedExternalName,
    MissingRestartPolicy,
    MissingResourceLimits,
)
