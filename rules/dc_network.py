"""Compose network isolation rules (DC2xx): what the host and the other services can reach.

These rules reason on the whole topology: which services publish ports to the host, which
networks each service joins (``default`` when none is given), and who talks to whom.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import Applicability, ComposeContext, Diagnostic, Edit, Fix, Fixable, Severity
from linter.compose.model import ComposeProject, Service
from linter.compose.nodes import MappingNode, Node, ScalarNode
from linter.records import record
from linter.targets import ComposeRule, ServiceRule

from ._compose_values import (
    PortMapping,
    is_true,
    networks_of,
    scalar_text,
    service_datastore,
    service_image,
    service_mentions,
    service_network_names,
    service_ports,
    service_role,
    stateless_role,
    sub_span,
)
from ._host_agents import host_network_purpose
from ._image_roles import PORT_ROLES, Datastore


def _bind_loopback_fix(port: PortMapping) -> Fix | None:
    """Insert or replace the host IP of a short-form entry so it binds 127.0.0.1 only."""
    node = port.node
    if port.long_form or not isinstance(node, ScalarNode):
        return None
    if port.host_ip is None:
        new = "127.0.0.1:" if port.has_host_port else "127.0.0.1::"
        span = sub_span(node, 0, 0)
        exact = span.start == span.end
    elif port.host_ip == "0.0.0.0" and node.text.startswith("0.0.0.0:"):
        new = "127.0.0.1"
        span = sub_span(node, 0, len("0.0.0.0"))
        exact = span != node.span
    else:
        return None
    if not exact:
        return None  # the position inside the scalar is not exact: no edit
    return Fix("Publish on 127.0.0.1 only", (Edit(span, new),), Applicability.UNSAFE)


def _port_label(port: PortMapping) -> str:
    if isinstance(port.node, ScalarNode):
        return scalar_text(port.node) or str(port.container_start)
    return f"{port.host_start or ''}:{port.container_start}"


class DatastorePortPublished(ServiceRule):
    code = "DC201"
    name = "datastore-port-on-all-interfaces"
    tags = ("network-isolation", "security")
    severity = Severity.WARNING
    summary = (
        "A database, cache, broker or unauthenticated control plane publishes its port "
        "on every interface of the host"
    )
    description = (
        "A published port without a host IP listens on `0.0.0.0` (and Docker's iptables "
        "rules bypass host firewalls such as ufw), so the service is open to the whole "
        "network, often with default credentials or none. Reported for databases and caches, "
        "message brokers and streaming platforms (Kafka in its distributions — Apache, "
        "Bitnami, Confluent, wurstmeister —, Redpanda, Pulsar, RabbitMQ, NATS, MQTT brokers, "
        "ActiveMQ), coordination services (ZooKeeper, etcd), and control planes that run "
        "code or containers without authentication, on their API ports: the Docker API on "
        "2375 (any image), Consul's HTTP API, a Dask scheduler, Prometheus started with "
        "`--web.enable-lifecycle` or the admin API, a Ray head. The image to role table is "
        "`rules/_image_roles.py`. Other services reach these over the compose network "
        "without publishing anything; to reach one from the host, bind it to `127.0.0.1`. "
        "The fix (unsafe: remote clients lose access) does that."
    )
    bad = 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "5432:5432"\n'
    good = 'services:\n  db:\n    image: postgres:17\n    ports:\n      - "127.0.0.1:5432:5432"\n'
    fixable = Fixable.SOMETIMES

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        alone = len(context.project.services) == 1
        role = service_role(service)
        for port in service_ports(service):
            if not port.binds_all_interfaces:
                continue
            found = role
            if (
                found is not None
                and found.api_ports
                and not any(p in found.api_ports for p in port.container_ports)
            ):
                found = None
            if found is None:
                found = next((PORT_ROLES[p] for p in port.container_ports if p in PORT_ROLES), None)
            if found is None:
                continue
            yield self.report(
                port.path,
                port.node.span,
                _published_message(found, service, port, alone),
                fix=_bind_loopback_fix(port),
            )


def _published_message(role: Datastore, service: Service, port: PortMapping, alone: bool) -> str:
    where = f"service '{service.name}' publishes {_port_label(port)} on every interface of the host"
    if role.role == "control-plane":
        return f"{where}, and {role.why}; bind it to 127.0.0.1 or put authentication in front"
    what = {"broker": f"{role.kind} broker", "coordination": f"{role.kind} coordination"}.get(
        role.role, role.kind
    )
    if alone:
        return f"{what} {where}; bind it to 127.0.0.1 if only this host needs it"
    return (
        f"{what} {where}; other services reach it without publishing, bind it to "
        "127.0.0.1 if the host needs it"
    )


class PortOnAllInterfaces(ServiceRule):
    code = "DC202"
    name = "port-on-all-interfaces"
    tags = ("network-isolation", "security")
    severity = Severity.INFO
    summary = "A published port has no host IP, so it listens on every interface"
    description = (
        '`ports: ["8080:80"]` publishes on `0.0.0.0` and `::`: every network the host is on '
        "can connect, and Docker's iptables rules bypass ufw/firewalld. A public entry point "
        "means it; a port for local development or an admin UI should say `127.0.0.1:`. Off "
        "by default because public web servers are the common case; databases and caches "
        "are always checked by DC201."
    )
    bad = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n'
    good = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:8080:80"\n'
    fixable = Fixable.SOMETIMES
    aliases = ("CL-0005", "no-unbound-port-interfaces")
    enabled_by_default = False

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        for port in service_ports(service):
            if not port.binds_all_interfaces:
                continue
            yield self.report(
                port.path,
                port.node.span,
                f"service '{service.name}' publishes {_port_label(port)} on every interface; "
                "add a host IP (127.0.0.1 for local access) if it is not meant to be public",
                fix=_bind_loopback_fix(port),
            )


class HostNetworkMode(ServiceRule):
    code = "DC203"
    name = "host-network-mode"
    tags = ("network-isolation", "security")
    severity = Severity.WARNING
    summary = "The service uses the host's network stack"
    description = (
        "`network_mode: host` removes network isolation: the service listens directly on the "
        "host's interfaces (ignoring `ports:`), reaches services bound to the host's "
        "loopback, and can see its traffic. Publish the ports it needs instead. Some "
        "services exist for the host's network and break behind published ports: host "
        "monitoring agents (node-exporter), host firewalls (fail2ban), packet capture, LAN "
        "scanners, VPN clients for the host, LAN discovery (Home Assistant, DLNA). For "
        "images in shiplint's table of such agents, and for services that add `NET_ADMIN` "
        "or `NET_RAW` or run privileged, or that publish nothing and connect to `localhost` "
        "(a client of a server bound to the host's loopback, such as a VNC recorder), the "
        "finding is info and gives no advice."
    )
    bad = "services:\n  app:\n    image: nginx:1.27\n    network_mode: host\n"
    good = 'services:\n  app:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n'
    aliases = ("CL-0008",)

    def check(self, service: Service, context: ComposeContext) -> Iterator[Diagnostic]:
        node = service.get("network_mode")
        if scalar_text(node) != "host" or node is None:
            return
        purpose = host_network_purpose(service)
        if purpose is not None:
            yield self.report(
                node.path,
                node.span,
                f"service '{service.name}' shares the host's network stack; expected: {purpose}",
                severity=Severity.INFO,
            )
            return
        yield self.report(
            node.path,
            node.span,
            f"service '{service.name}' shares the host's network stack; publish the "
            "ports it needs instead (unless it works on the host's network itself)",
        )


# Database admin UIs: configured in their own UI, so they talk to the datastore without
# naming it anywhere in the compose file.
ADMIN_TOOLS = frozenset(
    {
        "adminer",
        "pgadmin4",
        "phpmyadmin",
        "mongo-express",
        "redis-commander",
        "redisinsight",
        "kibana",
        "opensearch-dashboards",
        "cloudbeaver",
        "dbgate",
        "pgweb",
        "metabase",
        "grafana",
        "cerebro",
        "elasticvue",
        "redisinsight-v2",
    }
)


def _is_admin_tool(service: Service) -> bool:
    found = service_image(service)
    return found is not None and found[1].name.lower() in ADMIN_TOOLS


def _talks_to(client: Service, datastore: Service) -> bool:
    return (
        service_mentions(client, datastore.name)
        or service_mentions(datastore, client.name)
        or _is_admin_tool(client)
    )


def _names(services: list[Service]) -> str:
    return ", ".join(f"'{s.name}'" for s in services) or "none"


@record
class IsolationPlan:
    """The safe split of one network around one datastore: every link is kept.

    ``back`` is a new network with ``internal: true``. The datastore leaves ``network`` for
    it; every other service of ``network`` may talk to the datastore (the linter cannot see
    application configuration), so each is advised to join ``back`` while staying on
    ``network`` — ``named`` are those that name the datastore in the file, ``unnamed`` the
    others, whom only their owner can rule out. ``strangers`` are the unnamed ones that
    publish ports: the reason for the finding.
    """

    datastore: Service
    network: str
    where: Node
    named: tuple[Service, ...]
    unnamed: tuple[Service, ...]
    strangers: tuple[Service, ...]

    @property
    def back(self) -> str:
        return f"{self.datastore.name}-back"


def isolation_plans(project: ComposeProject) -> list[IsolationPlan]:
    """Where a datastore shares a non-internal network with a service that publishes ports."""
    networks = networks_of(project)
    declared = project.section("networks")
    plans: list[IsolationPlan] = []
    for datastore in project.services.values():
        store = service_datastore(datastore)
        if store is None or service_ports(datastore) or stateless_role(datastore, store):
            continue  # on an internal network alone, its own published ports would stop
        for network, where in service_network_names(datastore):
            membership = networks.get(network)
            config = declared.get(network) if declared is not None else None
            if membership is None or (
                isinstance(config, MappingNode) and is_true(config.get("internal"))
            ):
                continue
            others = [s for s in membership.services if s is not datastore]
            named = tuple(s for s in others if _talks_to(s, datastore))
            unnamed = tuple(s for s in others if s not in named)
            strangers = tuple(s for s in unnamed if service_ports(s))
            if strangers:
                plans.append(IsolationPlan(datastore, network, where, named, unnamed, strangers))
    return plans


class DatastoreOnPublicNetwork(ComposeRule):
    code = "DC204"
    name = "datastore-on-public-network"
    tags = ("network-isolation",)
    severity = Severity.INFO
    summary = "A datastore shares a non-internal network with a service that publishes ports"
    description = (
        "When a service that publishes ports to the host sits on the same network as the "
        "database, one compromised front service can reach the database directly, and the "
        "database itself can reach the internet. The linter cannot see application "
        "configuration (a Spring `application.properties` naming `db`), so it never claims "
        "that a service does not use the datastore, and its advice keeps every link: move "
        "the datastore to a back network with `internal: true`, and add that network to "
        "every service that talks to it while keeping them on their current network (for "
        "their ports and internet access). The message names the services that name the "
        "datastore in the file and those that may use it through their own configuration; "
        "only a service you know does not use it stays off the back network. Not reported "
        "when the datastore publishes ports itself (alone on an internal network they "
        "would stop working) or already sits on an internal network."
    )
    bad = (
        'services:\n  proxy:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
        "    depends_on: [api]\n  api:\n    image: ghcr.io/acme/api:1.4\n"
        "    environment:\n      DB_HOST: db\n  db:\n    image: postgres:17\n"
    )
    good = (
        'services:\n  proxy:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
        "    networks: [front]\n  api:\n    image: ghcr.io/acme/api:1.4\n"
        "    environment:\n      DB_HOST: db\n    networks: [front, back]\n"
        "  db:\n    image: postgres:17\n    networks: [back]\n"
        "networks:\n  front: {}\n  back:\n    internal: true\n"
    )

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        for plan in isolation_plans(context.project):
            store = service_datastore(plan.datastore)
            kind = store.kind if store is not None else "datastore"
            name, network = plan.datastore.name, plan.network
            verb = "publishes" if len(plan.strangers) == 1 else "publish"
            advice = (
                f"move '{name}' to a network with internal: true (e.g. '{plan.back}') "
                f"and add that network to every service that talks to '{name}', keeping "
                f"them on '{network}' too"
            )
            unnamed = list(plan.unnamed)
            maybe = (
                f"{_names(unnamed)} may use it through "
                f"{'its' if len(unnamed) == 1 else 'their'} own configuration, so give "
                f"{'it' if len(unnamed) == 1 else 'them'} that network"
            )
            if plan.named:
                names = "names" if len(plan.named) == 1 else "name"
                advice += f": {_names(list(plan.named))} {names} it here"
                if unnamed:
                    advice += f"; {maybe} too unless you know otherwise"
            else:
                advice += f": {maybe} unless you know otherwise"
            yield self.report(
                plan.where.path,
                plan.where.span,
                f"{kind} service '{name}' shares network '{network}' with "
                f"{_names(list(plan.strangers))}, which {verb} ports to the host, and can "
                f"reach the internet; {advice}",
            )


class NetworkCouldBeInternal(ComposeRule):
    code = "DC205"
    name = "network-could-be-internal"
    tags = ("network-isolation",)
    severity = Severity.INFO
    summary = "A network joined only by services that publish nothing is not internal"
    description = (
        "A network whose services publish no port to the host is a back-end network. With "
        "`internal: true`, Docker gives it no route to the outside, so a compromised service "
        "on it cannot download tools or send data out. Leave it as it is when one of its "
        "services needs the internet (an API client, a mail sender). Off by default for that "
        "reason."
    )
    bad = (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    networks: [front]\n'
        "  api:\n    image: ghcr.io/acme/api:1.4\n    networks: [front, back]\n"
        "  db:\n    image: postgres:17\n    networks: [back]\n"
        "networks:\n  front: {}\n  back: {}\n"
    )
    good = (
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n    networks: [front]\n'
        "  api:\n    image: ghcr.io/acme/api:1.4\n    networks: [front, back]\n"
        "  db:\n    image: postgres:17\n    networks: [back]\n"
        "networks:\n  front: {}\n  back:\n    internal: true\n"
    )
    enabled_by_default = False

    def check(self, context: ComposeContext) -> Iterator[Diagnostic]:
        declared = context.project.section("networks")
        if declared is None:
            return
        networks = networks_of(context.project)
        for pair in declared.pairs:
            name = str(pair.key.value)
            config = pair.value
            if _external_or_internal(config):
                continue
            membership = networks.get(name)
            if membership is None or membership.publishers:
                continue
            yield self.report(
                pair.key.path,
                pair.key.span,
                f"network '{name}' connects only services that publish nothing "
                f"({_names(list(membership.services))}); set internal: true unless one of "
                "them needs the internet",
            )


def _external_or_internal(config: Node) -> bool:
    if not isinstance(config, MappingNode):
        return False
    if is_true(config.get("internal")) or (
        config.get("external") not in (None,)
        and (is_true(config.get("external")) or isinstance(config.get("external"), MappingNode))
    ):
        return True
    driver = scalar_text(config.get("driver"))
    return driver in ("host", "none", "macvlan", "ipvlan")


RULES = (
    DatastorePortPublished,
    PortOnAllInterfaces,
    HostNetworkMode,
    DatastoreOnPublicNetwork,
    NetworkCouldBeInternal,
)
