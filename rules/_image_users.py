"""Which base images do not leave a container running as root, and why.

Read by the root-user rule (DF401). Each entry is an image repository pattern (as written in
FROM, registry included when there is one; ``*`` matches within one path segment, a trailing
``/*`` any image below) and the reason it is exempt. Kept as data so a reviewer can check each
claim against the image's own Dockerfile or documentation.
"""

from __future__ import annotations

import fnmatch
import re

# Images whose default USER is not root: the container is unprivileged unless a Dockerfile
# switches back with ``USER root``.
UNPRIVILEGED_IMAGES: dict[str, str] = {
    "cgr.dev/chainguard/*": "Chainguard images run as nonroot (65532); wolfi-base, a "
    "plain distribution base that runs as root, is not exempt",
    "gcr.io/distroless/*:nonroot": "distroless nonroot tags run as uid 65532",
    "gcr.io/distroless/*:debug-nonroot": "distroless nonroot tags run as uid 65532",
    "gcr.io/distroless/*:latest-nonroot": "distroless nonroot tags run as uid 65532",
    "nginxinc/nginx-unprivileged": "built to run as the nginx user (uid 101)",
    "bitnami/*": "Bitnami images set USER 1001",
    "jenkins/jenkins": "the image sets USER jenkins",
    "jenkins/inbound-agent": "the image sets USER jenkins",
    "jenkins/agent": "the image sets USER jenkins",
    "jenkins/ssh-agent": "sshd needs root and drops to jenkins per session",
    "jupyter/*": "Jupyter Docker Stacks set USER jovyan (uid 1000)",
    "quay.io/jupyter/*": "Jupyter Docker Stacks set USER jovyan (uid 1000)",
    "grafana/grafana": "the image sets USER 472 (grafana)",
    "grafana/grafana-oss": "the image sets USER 472 (grafana)",
    "prom/*": "Prometheus project images set USER nobody",
    "quay.io/prometheus/*": "Prometheus project images set USER nobody",
    "docker.elastic.co/*": "Elastic images set USER 1000 (elasticsearch, kibana, logstash)",
    "elasticsearch": "the official image sets USER 1000 (elasticsearch)",
    "kibana": "the official image sets USER 1000 (kibana)",
    "logstash": "the official image sets USER 1000 (logstash)",
    "memcached": "the official image sets USER memcache",
    "haproxy": "the official image (2.4 and later) sets USER haproxy",
    "solr": "the official image sets USER solr",
    "sonarqube": "the official image sets USER sonarqube",
    "nodered/node-red": "the image sets USER node-red",
    "node-red": "the image sets USER node-red",
    "mcr.microsoft.com/mssql/server": "the image sets USER mssql",
    "keycloak/keycloak": "the image sets USER 1000",
    "quay.io/keycloak/keycloak": "the image sets USER 1000",
    "gitea/gitea": "the rootless tags set USER git; the others drop to git in s6",
}

# Server images that start as root on purpose and whose own entrypoint drops privileges
# (gosu, su-exec, or the daemon's worker user) before the service handles requests.
PRIVILEGE_DROPPING_IMAGES: dict[str, str] = {
    "postgres": "docker-entrypoint.sh re-executes itself as postgres with gosu",
    "postgis/postgis": "built on postgres: its entrypoint drops to postgres with gosu",
    "timescale/timescaledb": "built on postgres: its entrypoint drops to postgres",
    "mysql": "docker-entrypoint.sh re-executes itself as mysql with gosu",
    "mariadb": "docker-entrypoint.sh re-executes itself as mysql with gosu",
    "percona": "docker-entrypoint.sh runs mysqld as mysql",
    "redis": "docker-entrypoint.sh re-executes redis-server as redis with gosu",
    "valkey/valkey": "docker-entrypoint.sh runs valkey-server as valkey with setpriv",
    "mongo": "docker-entrypoint.sh re-executes mongod as mongodb with gosu",
    "nginx": "the master process needs root for ports 80/443; workers run as nginx",
    "httpd": "the parent needs root for port 80; children run as daemon (www-data)",
    "php": "the -apache and -fpm variants serve requests as www-data",
    "wordpress": "Apache (or php-fpm) serves requests as www-data",
    "nextcloud": "Apache (or php-fpm) serves requests as www-data; cron runs as www-data",
    "drupal": "Apache (or php-fpm) serves requests as www-data",
    "joomla": "Apache (or php-fpm) serves requests as www-data",
    "rabbitmq": "docker-entrypoint.sh re-executes itself as rabbitmq with gosu",
    "cassandra": "docker-entrypoint.sh re-executes itself as cassandra with gosu",
    "couchdb": "docker-entrypoint.sh re-executes itself as couchdb with gosu",
    "zookeeper": "docker-entrypoint.sh re-executes itself as zookeeper with gosu",
    "neo4j": "docker-entrypoint.sh runs neo4j as the neo4j user",
    "influxdb": "the entrypoint re-executes influxd as influxdb with gosu (2.x)",
    "ghost": "docker-entrypoint.sh re-executes node as node with gosu",
    "redmine": "docker-entrypoint.sh re-executes itself as redmine with gosu",
    "eclipse-mosquitto": "mosquitto drops to the mosquitto user itself",
    "docker": "Docker-in-Docker needs root (and --privileged) to run dockerd",
}
# Process supervisors started as the container's main process. A supervisor must start as
# root to start each program as the user its configuration gives (supervisord's ``user=``,
# s6's ``s6-setuidgid``, runit's ``chpst -u``), and the mail and DNS suites such images run
# (postfix, dovecot, unbound, ...) need root to bind their ports and read their keys, then
# drop privileges themselves. DF401 exempts a supervisor entrypoint only when the image
# installs or configures such a suite; a supervisor that runs the image's own programs
# (beside nginx, say) is still reported.
PROCESS_SUPERVISORS: dict[str, str] = {
    "supervisord": "supervisord starts each [program:x] as its `user=`; needs root to do so",
    "s6-svscan": "s6 starts each service, which switches user with s6-setuidgid",
    "init": "s6-overlay's /init starts each service, which switches user with s6-setuidgid",
    "runsvdir": "runit starts each service, which switches user with chpst -u",
    "runit": "runit starts each service, which switches user with chpst -u",
    "my_init": "phusion baseimage's my_init runs runit services, which switch user themselves",
}
# Not listed on purpose: tomcat, caddy, traefik, node, python, openjdk and the other language
# images run their process as root; an application built on them should set USER.


def process_supervisor(program: str) -> str | None:
    """Why ``program`` (a path or a name) is a process supervisor, or None."""
    return PROCESS_SUPERVISORS.get(program.rsplit("/", 1)[-1].lower())


def _split(
    table: dict[str, str],
) -> tuple[dict[str, str], tuple[tuple[str, str], ...], tuple[tuple[re.Pattern[str], str], ...]]:
    """The patterns as exact names, ``prefix/`` prefixes and compiled globs (looked up once)."""
    exact: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    globs: list[tuple[re.Pattern[str], str]] = []
    for pattern, reason in table.items():
        if pattern.endswith("/*") and "*" not in pattern[:-2]:
            prefixes.append((pattern[:-1], reason))
        elif "*" in pattern:
            globs.append((re.compile(fnmatch.translate(pattern)), reason))
        else:
            exact[pattern] = reason
    return exact, tuple(prefixes), tuple(globs)


_TABLES = (_split(UNPRIVILEGED_IMAGES), _split(PRIVILEGE_DROPPING_IMAGES))


def _candidates(registry: str | None, repository: str, tag: str | None) -> list[str]:
    """Names to match: with and without Docker Hub's implicit prefixes, tag on and off."""
    names = []
    repo = repository.lower()
    if registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
        if repo.startswith("library/"):
            repo = repo[len("library/") :]
        names.append(repo)
    else:
        names.append(f"{registry.lower()}/{repo}")
    if tag:
        names += [f"{name}:{tag.lower()}" for name in list(names)]
    return names


def runs_unprivileged(registry: str | None, repository: str, tag: str | None) -> str | None:
    """Why this image does not leave the container as root, or None when it does."""
    lowered_tag = (tag or "").lower()
    if "nonroot" in lowered_tag or "rootless" in lowered_tag or "nonroot" in repository:
        return "its tag or name says it runs as a non-root user"
    names = _candidates(registry, repository, tag)
    for exact, prefixes, globs in _TABLES:
        for name in names:
            if name in exact:
                return exact[name]
        for prefix, reason in prefixes:
            if names[0].startswith(prefix):
                if prefix == "cgr.dev/chainguard/" and repository.endswith("wolfi-base"):
                    continue
                return reason
        for pattern, reason in globs:
            if any(pattern.match(name) for name in names):
                return reason
    return None
