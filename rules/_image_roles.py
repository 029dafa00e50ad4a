"""What a well-known image is, by repository: the one image -> role table of the compose rules.

Roles:
- ``datastore``: a database or object store; keeps data (DC403), must not be published on
  every interface (DC201), belongs on a back network (DC204).
- ``cache``: a datastore often run on purpose without persistence (DC403 says info).
- ``broker``: a message broker or streaming platform (Kafka in its distributions, Redpanda,
  Pulsar, RabbitMQ, NATS, MQTT brokers): clients can read and write every topic, and most
  images ship without authentication, so publishing it is a finding like a database's.
- ``coordination``: a coordination service (ZooKeeper, etcd, Consul): whoever reaches it
  can rewrite the cluster's configuration.
- ``control-plane``: an API that runs code or controls containers when reached without
  authentication. It is only reported on its API ports and, for images that can also run
  harmlessly, only when the command turns the dangerous mode on (``when``).

Plain data and a lookup: no compose import, so any rule module can use it.
"""

from __future__ import annotations

from linter.records import record

STATEFUL_ROLES = frozenset({"datastore", "cache", "broker", "coordination"})


@record
class Datastore:
    """An image with a role, where it keeps its data, and the ports it listens on."""

    kind: str  # "postgres", "kafka", "docker-api", ...
    data_dirs: tuple[str, ...]  # any of these on a mount keeps the data; empty: in memory only
    ports: tuple[int, ...]  # the container ports it listens on by default
    cache: bool = False  # often run on purpose without persistence (redis as a cache)
    role: str = "datastore"
    # control planes: only these container ports are dangerous (empty: every published port)
    api_ports: tuple[int, ...] = ()
    # control planes: the role applies only when one of these words is in command/entrypoint
    when: tuple[str, ...] = ()
    # the programs that run the server itself; a command that names none of them and
    # overrides the image's default runs a client or a gateway (``mongos``, ``redis-cli``)
    servers: tuple[str, ...] = ()
    why: str = ""  # one line for the messages: what is exposed

    @property
    def persistent(self) -> bool:
        return bool(self.data_dirs)


_ROLES: dict[str, Datastore] = {}


def _register(
    kind: str,
    repos: tuple[str, ...],
    dirs: tuple[str, ...],
    ports: tuple[int, ...],
    cache: bool = False,
    *,
    role: str = "datastore",
    api_ports: tuple[int, ...] = (),
    when: tuple[str, ...] = (),
    servers: tuple[str, ...] = (),
    why: str = "",
) -> None:
    for repo in repos:
        _ROLES[repo] = Datastore(kind, dirs, ports, cache, role, api_ports, when, servers, why)


# ---------------------------------------------------------------------------------------------
# Datastores

_PG = ("/var/lib/postgresql/data", "/var/lib/postgresql")
_MYSQL = ("/var/lib/mysql",)
_PG_SERVERS = (
    "postgres",
    "postgresql",
    "docker-entrypoint.sh",
    "pg_ctl",
    "pg_ctlcluster",
    "patroni",
)
_MYSQL_SERVERS = ("mysqld", "mysqld_safe", "mariadbd", "docker-entrypoint.sh")
_REDIS_SERVERS = (
    "redis-server",
    "valkey-server",
    "keydb-server",
    "redis-stack-server",
    "dragonfly",
    "docker-entrypoint.sh",
)
_MONGO_SERVERS = ("mongod", "docker-entrypoint.sh")

_register(
    "postgres",
    (
        "postgres",
        "postgis/postgis",
        "pgvector/pgvector",
        "ankane/pgvector",
        "supabase/postgres",
        "timescale/timescaledb",
        "circleci/postgres",
    ),
    _PG,
    (5432,),
    servers=_PG_SERVERS,
)
_register(
    "postgres",
    ("timescale/timescaledb-ha",),
    ("/home/postgres/pgdata",),
    (5432,),
    servers=_PG_SERVERS,
)
_register("postgres", ("bitnami/postgresql",), ("/bitnami/postgresql",), (5432,))
_register(
    "mysql",
    ("mysql", "mysql/mysql-server", "percona", "percona/percona-server", "circleci/mysql"),
    _MYSQL,
    (3306,),
    servers=_MYSQL_SERVERS,
)
_register("mysql", ("bitnami/mysql",), ("/bitnami/mysql",), (3306,))
_register("mariadb", ("mariadb",), _MYSQL, (3306,), servers=_MYSQL_SERVERS)
_register("mariadb", ("bitnami/mariadb",), ("/bitnami/mariadb",), (3306,))
_register(
    "mongo",
    (
        "mongo",
        "mongodb/mongodb-community-server",
        "mongodb/mongodb-enterprise-server",
        "circleci/mongo",
    ),
    ("/data/db",),
    (27017,),
    servers=_MONGO_SERVERS,
)
_register("mongo", ("bitnami/mongodb",), ("/bitnami/mongodb",), (27017,))
_register(
    "redis",
    (
        "redis",
        "redis/redis-stack",
        "redis/redis-stack-server",
        "valkey/valkey",
        "eqalpha/keydb",
        "dragonflydb/dragonfly",
        "circleci/redis",
    ),
    ("/data",),
    (6379,),
    cache=True,
    role="cache",
    servers=_REDIS_SERVERS,
)
_register(
    "redis",
    ("bitnami/redis", "bitnami/valkey"),
    ("/bitnami/redis/data", "/bitnami/redis", "/bitnami/valkey/data", "/bitnami/valkey"),
    (6379,),
    cache=True,
    role="cache",
)
_register("memcached", ("memcached", "bitnami/memcached"), (), (11211,), cache=True, role="cache")
_register(
    "elasticsearch",
    ("elasticsearch", "elasticsearch/elasticsearch"),
    ("/usr/share/elasticsearch/data",),
    (9200, 9300),
)
_register(
    "elasticsearch", ("bitnami/elasticsearch",), ("/bitnami/elasticsearch/data",), (9200, 9300)
)
_register(
    "opensearch", ("opensearchproject/opensearch",), ("/usr/share/opensearch/data",), (9200, 9600)
)
_register(
    "influxdb",
    ("influxdb",),
    ("/var/lib/influxdb2", "/var/lib/influxdb", "/var/lib/influxdb3"),
    (8086, 8181),
)
_register(
    "cassandra",
    ("cassandra", "bitnami/cassandra"),
    ("/var/lib/cassandra", "/bitnami/cassandra"),
    (9042,),
)
_register(
    "couchdb", ("couchdb", "bitnami/couchdb"), ("/opt/couchdb/data", "/bitnami/couchdb"), (5984,)
)
_register("minio", ("minio/minio", "bitnami/minio"), ("/data", "/bitnami/minio/data"), (9000, 9001))
_register(
    "clickhouse",
    ("clickhouse/clickhouse-server", "yandex/clickhouse-server", "clickhouse"),
    ("/var/lib/clickhouse",),
    (8123, 9000),
)
_register("mssql", ("mssql/server",), ("/var/opt/mssql",), (1433,))
_register("neo4j", ("neo4j",), ("/data",), (7474, 7687))
_register("cockroachdb", ("cockroachdb/cockroach",), ("/cockroach/cockroach-data",), (26257,))

# ---------------------------------------------------------------------------------------------
# Message brokers and streaming platforms

_KAFKA_DIRS = ("/var/lib/kafka/data", "/bitnami/kafka", "/tmp/kraft-combined-logs")
# ``/etc/confluent/docker/run``, ``start-kafka.sh``, ``/opt/bitnami/scripts/kafka/run.sh``...
_KAFKA_SERVERS = (
    "run",
    "run.sh",
    "start-kafka.sh",
    "kafka-server-start.sh",
    "kafka-server-start",
    "docker-entrypoint.sh",
    "entrypoint.sh",
    "launch",
)
_register(
    "kafka",
    (
        "apache/kafka",
        "apache/kafka-native",
        "bitnami/kafka",
        "confluentinc/cp-kafka",
        "confluentinc/cp-server",
    ),
    _KAFKA_DIRS,
    (9092,),
    role="broker",
    servers=_KAFKA_SERVERS,
)
_register(
    "kafka", ("wurstmeister/kafka",), ("/kafka",), (9092,), role="broker", servers=_KAFKA_SERVERS
)
_register(
    "redpanda",
    ("redpandadata/redpanda", "vectorized/redpanda"),
    ("/var/lib/redpanda/data",),
    (9092, 9644, 8081, 8082),
    role="broker",
    servers=("redpanda", "entrypoint.sh", "supervisord"),
)
_register(
    "pulsar",
    ("apachepulsar/pulsar", "apachepulsar/pulsar-all"),
    ("/pulsar/data",),
    (6650, 8080),
    role="broker",
)
_register("rabbitmq", ("rabbitmq",), ("/var/lib/rabbitmq",), (5672, 15672), role="broker")
_register(
    "rabbitmq",
    ("bitnami/rabbitmq",),
    ("/bitnami/rabbitmq/mnesia", "/bitnami/rabbitmq"),
    (5672, 15672),
    role="broker",
)
# NATS, MQTT and ActiveMQ keep messages in memory unless told otherwise: no data directory.
_register("nats", ("nats", "bitnami/nats", "nats-streaming"), (), (4222, 8222), role="broker")
_register(
    "mqtt",
    ("eclipse-mosquitto", "emqx/emqx", "emqx", "hivemq/hivemq-ce"),
    (),
    (1883,),
    role="broker",
)
_register(
    "activemq",
    ("apache/activemq-classic", "apache/activemq-artemis", "rmohr/activemq", "webcenter/activemq"),
    (),
    (61616, 8161),
    role="broker",
)

# ---------------------------------------------------------------------------------------------
# Coordination services

_register(
    "zookeeper",
    ("zookeeper", "bitnami/zookeeper"),
    ("/data", "/bitnami/zookeeper"),
    (2181,),
    role="coordination",
)
_register(
    "zookeeper",
    ("confluentinc/cp-zookeeper",),
    ("/var/lib/zookeeper/data",),
    (2181,),
    role="coordination",
)
_register(
    "zookeeper",
    ("wurstmeister/zookeeper",),
    ("/opt/zookeeper-3.4.13/data",),
    (2181,),
    role="coordination",
)
_register(
    "etcd",
    ("coreos/etcd", "etcd-development/etcd", "bitnami/etcd"),
    ("/etcd-data", "/var/lib/etcd", "/bitnami/etcd"),
    (2379, 2380),
    role="coordination",
)
_register(
    "consul",
    ("hashicorp/consul", "consul", "bitnami/consul"),
    (),
    (8500,),
    role="control-plane",
    api_ports=(8500,),
    why="Consul's HTTP API (no ACLs by default) registers services and runs checks",
)

# ---------------------------------------------------------------------------------------------
# Unauthenticated control planes (only their API ports, only in the dangerous mode)

_register(
    "docker-api",
    ("docker", "library/docker"),
    (),
    (2375, 2376),
    role="control-plane",
    api_ports=(2375,),
    why="port 2375 is the Docker API without TLS, so whoever reaches it is root on the host",
)
_register(
    "dask-scheduler",
    ("daskdev/dask", "dask/dask"),
    (),
    (8786, 8787),
    role="control-plane",
    api_ports=(8786,),
    when=("dask-scheduler", "scheduler"),
    why="a Dask scheduler runs any Python code its clients submit, with no authentication",
)
_register(
    "prometheus",
    ("prom/prometheus", "prometheus/prometheus", "bitnami/prometheus", "ubuntu/prometheus"),
    (),
    (9090,),
    role="control-plane",
    api_ports=(9090,),
    when=("--web.enable-lifecycle", "--web.enable-admin-api"),
    why="with --web.enable-lifecycle or the admin API anybody can shut Prometheus down, "
    "reload it or delete its data",
)
_register(
    "ray",
    ("rayproject/ray", "rayproject/ray-ml"),
    (),
    (8265, 10001),
    role="control-plane",
    api_ports=(8265, 10001),
    when=("--head",),
    why="a Ray head's dashboard and client ports accept jobs (any code) without authentication",
)

# Ports that are an unauthenticated control plane whatever the image: the Docker API without
# TLS (docker:dind, docker-socket-proxy, a daemon started with -H tcp://0.0.0.0:2375).
PORT_ROLES: dict[int, Datastore] = {
    2375: Datastore(
        "docker-api",
        (),
        (2375,),
        role="control-plane",
        api_ports=(2375,),
        why="port 2375 is the Docker API without TLS, so whoever reaches it is root on the host",
    ),
}


def role_for_repository(repository: str) -> Datastore | None:
    """The role of a canonical repository (``library/`` and registry mirrors understood)."""
    repo = repository.lower()
    found = _ROLES.get(repo)
    if found is None and "/" in repo:
        # Vendor registries and mirrors: docker.elastic.co/elasticsearch/elasticsearch,
        # quay.io/coreos/etcd, mcr.microsoft.com/mssql/server, public.ecr.aws/docker/library/redis.
        repo = repo.removeprefix("docker/library/").removeprefix("library/")
        found = _ROLES.get(repo)
        if found is None:
            found = _ROLES.get("/".join(repo.split("/")[-2:]))
    return found
