"""Images whose job is the host itself: host monitoring and log agents, host firewalls, packet
capture, LAN scanners, VPN clients for the host, and LAN-discovery servers.

For these, host networking, ``pid: host`` or read-only mounts of ``/proc``, ``/sys`` and
``/var/log`` are how the image works (its own documentation asks for them), so advice such as
"publish the ports instead" would break the app. The compose security and network rules
(DC203, DC303, DC312, DC315) read this one table; each entry says what the image needs from
the host and why. Keys are image names (the last path component, without an ``-arm``/``-arm64``
style suffix) or ``namespace/name`` where the bare name is too generic to trust.
"""

from __future__ import annotations

import re

from linter.compose.model import Service
from linter.records import record

from ._compose_values import ImageName, is_true, scalar_items, scalar_text, service_image

# What an agent needs from the host.
NETWORK = "network"  # network_mode: host
PID = "pid"  # pid: host
PATHS = "paths"  # read-only mounts of /proc, /sys, /var/log, /var/lib/docker, / ...


@record
class HostAgent:
    """One image of the table: its role, what it needs from the host, and why."""

    role: str
    needs: frozenset[str]
    reason: str


def _agent(role: str, needs: str, reason: str) -> HostAgent:
    return HostAgent(role=role, needs=frozenset(needs.split()), reason=reason)


_MONITOR = "a host monitoring agent"
_LOGS = "a host log collector"
_SECURITY = "a host security agent"
_FIREWALL = "a host firewall tool"
_CAPTURE = "a network capture or monitoring tool"
_SCANNER = "a LAN scanner"
_VPN = "a VPN or overlay network for the host"
_DISCOVERY = "a server that finds devices on the LAN"
_BOOT = "a network boot or DHCP server"

HOST_AGENTS: dict[str, HostAgent] = {
    # Host metrics: they report the host's processes, interfaces and file systems.
    "node-exporter": _agent(
        _MONITOR,
        "network pid paths",
        "reports the host's CPU, memory, disks and interfaces; its docs run "
        "it with the host's network and pid namespaces and / read-only",
    ),
    "cadvisor": _agent(
        _MONITOR,
        "paths",
        "reads container statistics from the host's /sys, /proc and /var/lib/docker",
    ),
    "netdata": _agent(
        _MONITOR,
        "network pid paths",
        "its docs run it with the host's network and pid namespaces and /proc, "
        "/sys, /etc/os-release read-only",
    ),
    "telegraf": _agent(
        _MONITOR,
        "network pid paths",
        "its system inputs read the host through /hostfs (HOST_PROC, HOST_SYS, "
        "HOST_ETC) and its processes through the host's pid namespace",
    ),
    "collectd": _agent(
        _MONITOR, "network pid paths", "collects the host's process, interface and disk statistics"
    ),
    "glances": _agent(
        _MONITOR,
        "network pid paths",
        "shows the host's processes and interfaces; its docs use --pid host and --network host",
    ),
    "monit": _agent(_MONITOR, "pid paths", "watches the host's processes"),
    "process-exporter": _agent(_MONITOR, "pid paths", "reports the host's processes"),
    "datadog/agent": _agent(
        _MONITOR,
        "network pid paths",
        "collects host and container metrics from /proc, /sys/fs/cgroup and "
        "the host's pid namespace",
    ),
    "newrelic/infrastructure": _agent(
        _MONITOR,
        "network pid paths",
        "its docs run it with the host's network and pid namespaces and / read-only",
    ),
    "grafana/agent": _agent(
        _MONITOR, "network pid paths", "its node and log integrations read /proc, /sys and /var/log"
    ),
    "grafana/alloy": _agent(
        _MONITOR, "network pid paths", "its node and log components read /proc, /sys and /var/log"
    ),
    "metricbeat": _agent(
        _MONITOR,
        "network pid paths",
        "its system module reads the host's /proc, /sys/fs/cgroup and /",
    ),
    # Host logs.
    "promtail": _agent(_LOGS, "paths", "ships the host's /var/log and container logs"),
    "fluent-bit": _agent(_LOGS, "paths", "tails the host's /var/log and container logs"),
    "fluentd": _agent(_LOGS, "paths", "tails the host's /var/log and container logs"),
    "filebeat": _agent(_LOGS, "paths", "tails the host's /var/log and /var/lib/docker logs"),
    "timberio/vector": _agent(_LOGS, "paths", "collects the host's logs and metrics"),
    "logspout": _agent(_LOGS, "paths", "forwards the host's container logs"),
    # Host security: they watch the host's system calls, files and logs.
    "falco": _agent(
        _SECURITY,
        "network pid paths",
        "watches the host's system calls; reads /proc, /boot and /dev read-only",
    ),
    "auditbeat": _agent(_SECURITY, "network pid paths", "audits the host's files and processes"),
    "osquery": _agent(_SECURITY, "network pid paths", "queries the host's state"),
    "wazuh-agent": _agent(_SECURITY, "network pid paths", "watches the host's logs and files"),
    "crowdsec": _agent(_SECURITY, "paths", "reads the host's /var/log to detect attacks"),
    # Host firewalls: their job is the host's iptables/nftables rules.
    "fail2ban": _agent(
        _FIREWALL, "network paths", "bans addresses in the host's firewall after reading its logs"
    ),
    "netfilter": _agent(
        _FIREWALL, "network", "mailcow's netfilter writes the host's firewall rules"
    ),
    "crowdsec-firewall-bouncer": _agent(
        _FIREWALL, "network", "applies bans to the host's firewall"
    ),
    # Packet capture and traffic monitors: they see only what crosses their interface.
    "ntopng": _agent(_CAPTURE, "network", "measures the traffic of the host's interfaces"),
    "zeek": _agent(_CAPTURE, "network", "analyses the traffic of the host's interfaces"),
    "suricata": _agent(_CAPTURE, "network", "inspects the traffic of the host's interfaces"),
    "snort": _agent(_CAPTURE, "network", "inspects the traffic of the host's interfaces"),
    "maltrail": _agent(
        _CAPTURE,
        "network",
        "its sensor sniffs the host's traffic and reports to the server on the host's loopback",
    ),
    "dnsmonster": _agent(_CAPTURE, "network", "captures the host's DNS traffic"),
    "passivedns": _agent(_CAPTURE, "network", "captures the host's DNS traffic"),
    "ipfm": _agent(_CAPTURE, "network", "counts the traffic of the host's interfaces"),
    "darkstat": _agent(_CAPTURE, "network", "counts the traffic of the host's interfaces"),
    "vnstat": _agent(_CAPTURE, "network", "counts the traffic of the host's interfaces"),
    "tcpdump": _agent(_CAPTURE, "network", "captures packets on the host's interfaces"),
    "bettercap": _agent(_CAPTURE, "network", "works on the host's interfaces"),
    "aircrack-ng": _agent(_CAPTURE, "network", "drives the host's wireless interface"),
    "dsniff": _agent(_CAPTURE, "network", "sniffs the traffic of the host's interfaces"),
    "sslsplit": _agent(
        _CAPTURE,
        "network",
        "intercepts the host's TLS traffic redirected to it by the host's "
        "firewall (transparent proxy)",
    ),
    # LAN scanners: ARP and broadcasts do not cross Docker's NAT.
    "watchyourlan": _agent(_SCANNER, "network", "finds LAN hosts with ARP scans"),
    "netalertx": _agent(_SCANNER, "network", "finds LAN hosts with ARP scans"),
    "pialert": _agent(_SCANNER, "network", "finds LAN hosts with ARP scans"),
    "arpwatch": _agent(_SCANNER, "network", "watches ARP on the host's LAN"),
    "upsnap": _agent(_SCANNER, "network", "sends wake-on-LAN broadcasts and pings LAN hosts"),
    # VPN clients and overlays that route the host's own traffic or manage its interface.
    "openconnect": _agent(_VPN, "network", "connects the host to a VPN"),
    "pptp": _agent(_VPN, "network", "PPTP uses GRE, which Docker cannot publish"),
    "wireguard-ui": _agent(_VPN, "network", "manages the host's WireGuard interface"),
    "tailscale": _agent(_VPN, "network", "joins the host to a tailnet"),
    "zerotier-one": _agent(_VPN, "network", "joins the host to a ZeroTier network"),
    "n2n": _agent(_VPN, "network", "joins the host to an n2n overlay"),
    "openvpn": _agent(
        _VPN,
        "network",
        "an OpenVPN server creates its tun device and NAT rules for its "
        "clients on the host's network",
    ),
    # LAN discovery (mDNS, SSDP, DLNA, HomeKit) needs multicast on the host's LAN.
    "minidlna": _agent(_DISCOVERY, "network", "DLNA clients find it by SSDP multicast on the LAN"),
    "samba": _agent(
        _DISCOVERY,
        "network",
        "nmbd answers NetBIOS name broadcasts so LAN clients browse the shares",
    ),
    "shairplay": _agent(
        _DISCOVERY, "network", "an AirPlay receiver, announced to the LAN with mDNS"
    ),
    "gliderlabs/registrator": _agent(
        "a service-registry agent for the host",
        "network",
        "registers the host's containers under the host's own "
        "address; its docs run it with --net=host",
    ),
    "dnsmasq": _agent(_BOOT, "network", "its DHCP and PXE (TFTP) answers go to LAN broadcasts"),
    "home-assistant": _agent(
        _DISCOVERY,
        "network",
        "discovers devices with mDNS/SSDP and talks to Bluetooth; its docs require host networking",
    ),
    "homeassistant": _agent(
        _DISCOVERY,
        "network",
        "discovers devices with mDNS/SSDP and talks to Bluetooth; its docs require host networking",
    ),
    "hass": _agent(_DISCOVERY, "network", "Home Assistant: mDNS/SSDP discovery"),
    "gladys": _agent(
        _DISCOVERY, "network", "discovers LAN and USB devices; its docs use host networking"
    ),
    "homebridge": _agent(_DISCOVERY, "network", "HomeKit discovery needs mDNS on the LAN"),
    "scrypted": _agent(_DISCOVERY, "network", "HomeKit and camera discovery need mDNS"),
    "plex": _agent(_DISCOVERY, "network", "DLNA and GDM discovery need the LAN's multicast"),
    "pms-docker": _agent(_DISCOVERY, "network", "DLNA and GDM discovery need the LAN's multicast"),
    "jellyfin": _agent(_DISCOVERY, "network", "DLNA and client discovery need the LAN's multicast"),
    "emby": _agent(_DISCOVERY, "network", "DLNA and client discovery need the LAN's multicast"),
    "aircast": _agent(
        _DISCOVERY, "network", "bridges AirPlay to Chromecast devices it finds with mDNS"
    ),
    "airconnect": _agent(_DISCOVERY, "network", "bridges AirPlay to devices it finds with mDNS"),
    "shairport-sync": _agent(_DISCOVERY, "network", "announces AirPlay with mDNS"),
    "mediamtx": _agent(
        "a real-time media server",
        "network",
        "its docs require host networking: Docker's NAT changes the source "
        "ports of RTSP's UDP packets",
    ),
    "avahi": _agent(_DISCOVERY, "network", "mDNS needs multicast on the LAN"),
    # Network boot and DHCP: broadcasts and TFTP's ephemeral data ports do not cross the NAT.
    "iventoy": _agent(_BOOT, "network", "PXE boot answers DHCP broadcasts"),
    "tftpd": _agent(_BOOT, "network", "TFTP sends data from ephemeral UDP ports"),
    "tftpd-hpa": _agent(_BOOT, "network", "TFTP sends data from ephemeral UDP ports"),
    "pihole": _agent(_BOOT, "network", "its DHCP server answers broadcasts on the LAN"),
    "adguardhome": _agent(_BOOT, "network", "its DHCP server answers broadcasts on the LAN"),
    "technitium/dns-server": _agent(
        _BOOT, "network", "its DHCP server answers broadcasts on the LAN"
    ),
}

_ARCH_SUFFIX = re.compile(r"-(arm64|armhf|armv7|arm|amd64|aarch64|x86_64|rpi)$")


def host_agent(image: ImageName | None) -> HostAgent | None:
    """The table entry for an image, or None when it is not a known host agent."""
    if image is None or image.has_variables:
        return None
    repository = image.canonical_repository.lower()
    parts = repository.split("/")
    name = _ARCH_SUFFIX.sub("", parts[-1])
    if len(parts) > 1:
        qualified = f"{parts[-2]}/{name}"
        if qualified in HOST_AGENTS:
            return HOST_AGENTS[qualified]
    return HOST_AGENTS.get(name)


def service_host_agent(service: Service, need: str) -> HostAgent | None:
    """The table entry of the service's image when it needs ``need`` from the host."""
    found = service_image(service)
    agent = host_agent(found[1] if found else None)
    return agent if agent is not None and need in agent.needs else None


def opens_tun_device(service: Service) -> bool:
    """The service is given /dev/net/tun: it runs a VPN or tunnel, whose interface and routes
    are its job (on the host's network they are the host's, on purpose)."""
    return any(
        (scalar_text(item) or "").strip().split(":", 1)[0] == "/dev/net/tun"
        for item in scalar_items(service.get("devices"))
    )


def _loopback_client(service: Service) -> bool:
    """A service that publishes nothing and whose command connects to ``localhost``: only the
    host's network reaches a server bound to the host's loopback."""
    if service.get("ports") is not None or service.get("expose") is not None:
        return False
    words = [scalar_text(item) or "" for item in scalar_items(service.get("command"))]
    command = scalar_text(service.get("command")) or " ".join(words)
    return re.search(r"(?<![\w.-])(localhost|127\.0\.0\.1)(?![\w.-])", command) is not None


def host_network_purpose(service: Service) -> str | None:
    """Why a service on the host's network is there on purpose, or None when nothing says so.

    A known host agent, a service that adds NET_ADMIN or NET_RAW (it works on the network
    itself: firewall rules, routes, raw packets), or a privileged one (it can reach the host's
    network anyway; DC310 reports that).
    """
    agent = service_host_agent(service, NETWORK)
    if agent is not None:
        return f"it is {agent.role} ({agent.reason})"
    for item in scalar_items(service.get("cap_add")):
        cap = (scalar_text(item) or "").strip().upper().removeprefix("CAP_")
        if cap in ("NET_ADMIN", "NET_RAW", "ALL"):
            return f"it adds {cap} to work on the host's network itself"
    if is_true(service.get("privileged")):
        return "it is privileged, which reaches the host's network anyway"
    if _loopback_client(service):
        return (
            "it publishes nothing and connects to localhost: a server bound to the host's "
            "loopback is reachable only from the host's network"
        )
    return None
