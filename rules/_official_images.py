"""Names of Docker Official Images (``docker.io/library/<name>``), for rules that must tell an
image someone can pull from a local name nobody can publish.

Only Docker can publish a one-component name on Docker Hub, so ``image: demo-microservice`` can
never be pulled: compose falls back to building it. The names below do exist and are pulled
instead. The list holds the widely used official images, not all of them; a name missing here
only makes a rule quieter.
"""

from __future__ import annotations

OFFICIAL_IMAGES = frozenset({
    "adminer", "aerospike", "almalinux", "alpine", "amazoncorretto", "amazonlinux", "arangodb",
    "bash", "bonita", "buildpack-deps", "busybox", "caddy", "cassandra", "centos", "chronograf",
    "cirros", "clojure", "composer", "consul", "couchbase", "couchdb", "crate", "dart",
    "debian", "docker", "drupal", "eclipse-mosquitto", "eclipse-temurin", "eggdrop",
    "elasticsearch", "elixir", "emqx", "erlang", "fedora", "flink", "fluentd", "friendica",
    "gazebo", "gcc", "geonetwork", "ghost", "golang", "gradle", "groovy", "haproxy", "haskell",
    "haxe", "hello-world", "httpd", "hylang", "ibmjava", "influxdb", "irssi", "jetty", "joomla",
    "jruby", "julia", "kapacitor", "kibana", "kong", "liquibase", "logstash", "mageia",
    "mariadb", "matomo", "maven", "mediawiki", "memcached", "mongo", "mongo-express", "monica",
    "mono", "mysql", "nats", "neo4j", "neurodebian", "nextcloud", "nginx", "node", "odoo",
    "open-liberty", "openjdk", "oraclelinux", "orientdb", "percona", "perl", "photon", "php",
    "phpmyadmin", "plone", "postfixadmin", "postgres", "pypy", "python", "r-base", "rabbitmq",
    "rakudo-star", "redis", "redmine", "registry", "rethinkdb", "rocket.chat", "rockylinux",
    "ruby", "rust", "sapmachine", "satosa", "silverpeas", "solr", "sonarqube", "spark", "storm",
    "swift", "swipl", "teamspeak", "telegraf", "tomcat", "tomee", "traefik", "ubuntu", "unit",
    "varnish", "vault", "websphere-liberty", "wordpress", "xwiki", "yourls", "znc", "zookeeper",
})
