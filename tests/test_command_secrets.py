"""DC330 and DC331 on command lines: word splitting with positions, credential options, URL
passwords, wrappers and su scripts, lifecycle hooks, exact spans."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st
from linter.rules._command_secrets import (
    command_lines,
    command_urls,
    compose_default,
    credential_option,
    script_commands,
    split_command_string,
    text_span,
    value_kind,
)
from linter.rules._secrets import url_credential

from linter.compose.nodes import ScalarNode
from linter.compose.project import load_project
from linter.diagnostics import Position, Span


def _node(text: str) -> ScalarNode:
    span = Span(Position(1, 1), Position(1, 1 + len(text)))
    return ScalarNode("compose.yaml", span, text, text, "plain", "tag:yaml.org,2002:str")


def _found(service_yaml: str, *, urls: bool = False) -> list[tuple[str, str, str, str]]:
    """(field, option, kind, value as written) for every credential of service ``s``.

    ``urls``: the URL passwords (DC331) instead, with the scheme as the option.
    """
    text = "services:\n  s:\n    image: alpine:3.20\n" + service_yaml
    project = load_project("compose.yaml", text=text, override_paths=[])
    service = project.services["s"]
    lines = command_urls(service) if urls else command_lines(service)
    return [
        (field, item.option, item.kind, item.node.text[item.start : item.end])
        for field, found in lines
        for item in found
    ]


@pytest.mark.parametrize(
    ("service_yaml", "expected"),
    [
        (
            "    command: redis-server --requirepass hunter2\n",
            [("command", "--requirepass", "literal", "hunter2")],
        ),
        (
            "    command: redis-server --masterauth='two words'\n",
            [("command", "--masterauth", "literal", "two words")],
        ),
        (
            "    command: [redis-server, --requirepass, hunter2]\n",
            [("command", "--requirepass", "literal", "hunter2")],
        ),
        (
            "    healthcheck:\n      test: [CMD, redis-cli, -a, s3cret, ping]\n",
            [("healthcheck.test", "-a", "literal", "s3cret")],
        ),
        (
            "    healthcheck:\n      test: [CMD, redis-cli, --user, app, --pass, s3cret, ping]\n",
            [("healthcheck.test", "--pass", "literal", "s3cret")],
        ),
        (
            "    healthcheck:\n      test: [CMD-SHELL, 'mysqladmin ping -uroot -proot || exit 1']\n",
            [("healthcheck.test", "-p", "literal", "root")],
        ),
        (
            "    healthcheck:\n      test: mariadb -uroot --password=pw -e 'select 1'\n",
            [("healthcheck.test", "--password", "literal", "pw")],
        ),
        (
            "    entrypoint: sh -c 'PGPASSWORD=pg psql -h db -c \"select 1\"'\n",
            [("entrypoint", "PGPASSWORD", "literal", "pg")],
        ),
        (
            "    command: [bash, -ec, 'export MYSQL_PWD=pw; mysql -h db']\n",
            [("command", "MYSQL_PWD", "literal", "pw")],
        ),
        (
            "    command: app --token abc123 --api-key=k3y --secret-key s3\n",
            [
                ("command", "--token", "literal", "abc123"),
                ("command", "--api-key", "literal", "k3y"),
                ("command", "--secret-key", "literal", "s3"),
            ],
        ),
        (
            "    command: app -auth-token=t0k3n --access-key AKIAIOSFODNN7REALKEY\n",
            [
                ("command", "-auth-token", "literal", "t0k3n"),
                ("command", "--access-key", "literal", "AKIAIOSFODNN7REALKEY"),
            ],
        ),
        (
            "    command: java -Dspring.datasource.password=s3cr3t -jar app.jar\n",
            [("command", "-Dspring.datasource.password", "literal", "s3cr3t")],
        ),
        (
            "    healthcheck:\n      test: mongosh -u root -p example --eval 'db.runCommand(\"ping\")'\n",
            [("healthcheck.test", "-p", "literal", "example")],
        ),
        (
            "    healthcheck:\n      test: curl -fsu elastic:changeme http://localhost:9200 || "
            "curl -u elastic:changeme http://localhost:9200\n",
            [
                ("healthcheck.test", "-fsu", "literal", "changeme"),
                ("healthcheck.test", "-u", "literal", "changeme"),
            ],
        ),
        (
            "    command: [gosu, redis, redis-cli, -a, s3cret, ping]\n",
            [("command", "-a", "literal", "s3cret")],
        ),
        (
            "    command: [tini, --, env, PGPASSWORD=pw, psql, -h, db]\n",
            [("command", "PGPASSWORD", "literal", "pw")],
        ),
        (
            "    command: fetch ghp_4f8Kx2LmQ9vT7rY1wZ3nB6cD0eH5jP8sU2aG\n",
            [("command", "", "a GitHub token", "ghp_4f8Kx2LmQ9vT7rY1wZ3nB6cD0eH5jP8sU2aG")],
        ),
        (
            "    command: redis-server --requirepass ${REDIS_PASSWORD:-changeme}\n",
            [("command", "--requirepass", "default", "${REDIS_PASSWORD:-changeme}")],
        ),
        (
            '    command: "sh -c \\"redis-server --requirepass \\\\\\"hunter2\\\\\\"\\""\n',
            [("command", "--requirepass", "literal", "hunter2")],
        ),
    ],
)
def test_credentials_found(service_yaml: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert _found(service_yaml) == expected


@pytest.mark.parametrize(
    "service_yaml",
    [
        "    command: redis-server --requirepass $${REDIS_PASSWORD}\n",
        "    command: redis-server --requirepass ${REDIS_PASSWORD}\n",
        "    command: redis-server --requirepass ${REDIS_PASSWORD:?set it}\n",
        "    command: [sh, -c, 'redis-server --requirepass \"$$(cat /run/secrets/redis)\"']\n",
        "    command: sh -c 'redis-server --requirepass `cat /run/secrets/redis`'\n",
        "    healthcheck:\n      test: [CMD, mysqladmin, ping, -p$$MYSQL_ROOT_PASSWORD]\n",
        "    healthcheck:\n      test: [CMD, mysqladmin, ping, -p]\n",
        "    command: mysql --password app_db\n",
        "    command: psql --password -h db app\n",
        "    command: app --password-file /run/secrets/pw --token-file=/run/secrets/t\n",
        "    command: app --secret /run/secrets/app --api-key ./key.txt\n",
        "    command: sh -c 'docker login --password-stdin registry.example.com < /run/secrets/r'\n",
        "    command: app --no-password-check strict --enable-token-auth true\n",
        "    command: vllm serve model --tokenizer-mode auto --max-tokens 512 --tokenizer hf/x\n",
        "    command: openssl enc -aes256 -pass env:KEY -in a -out b\n",
        "    command: postgres -c max_connections=200 -c shared_buffers=256MB\n",
        "    command: --default-authentication-plugin=mysql_native_password\n",
        "    command: [nginx, -g, daemon off;]\n",
        "    command: app --token-url https://auth.example.com/token --secret-name app\n",
        "    command: redis-server --requirepass ''\n",
        "    command: app --password true\n",
        "    healthcheck:\n      test: curl -fu ${ES_USER}:${ES_PASSWORD} http://localhost:9200\n",
        "    healthcheck:\n      test: curl -f http://localhost/ # --token abc123\n",
        "    command: echo AKIAIOSFODNN7EXAMPLE\n",
        "    command: app --db mongo -p 8080:80\n",
        "    command: docker build --secret id=npmrc,src=./.npmrc .\n",
        "    command: [wait-for, redis-cli, -a, --, app]\n",
    ],
)
def test_no_credentials(service_yaml: str) -> None:
    assert _found(service_yaml) == []


def test_option_names() -> None:
    assert credential_option("requirepass")
    assert credential_option("db-password")
    assert credential_option("pass")
    assert not credential_option("password-file")
    assert not credential_option("password-stdin")
    assert not credential_option("no-password")
    assert not credential_option("max-tokens")
    assert not credential_option("token-url")


def test_values() -> None:
    assert value_kind("hunter2") == "literal"
    assert value_kind("$${X}") is None
    assert value_kind("${X:-hunter2}") == "default"
    assert value_kind("${X-hunter2}") == "default"
    assert value_kind("$${X:-hunter2}") is None  # the container's shell, not compose
    assert value_kind("${X:-}") is None
    assert value_kind("/run/secrets/x") is None
    assert value_kind("file:/run/secrets/x") is None
    assert compose_default("a$${B:-c}${D:-e}") == "e"


@pytest.mark.parametrize(
    ("yaml_value", "value"),
    [
        ("redis-server --requirepass hunter2", "hunter2"),
        ('"redis-server --requirepass \\"hunter2\\""', "hunter2"),
        ("'redis-server --requirepass ''hunter 2'''", "hunter 2"),
        ("|\n      sh -c '\n        redis-server --requirepass hunter2'\n", "hunter2"),
        ('>-\n      sh -c "redis-server\n      --requirepass hunter2"\n', "hunter2"),
        ('sh -c "redis-server\n      --appendonly yes --requirepass hunter2"', "hunter2"),
    ],
)
def test_span_points_at_the_value(yaml_value: str, value: str) -> None:
    source = f"services:\n  s:\n    image: redis\n    command: {yaml_value}\n"
    project = load_project("compose.yaml", text=source, override_paths=[])
    [(_field, [item])] = list(command_lines(project.services["s"]))
    span = text_span(item.node, item.start, item.end, source)
    lines = source.split("\n")
    assert span.start.line == span.end.line
    assert lines[span.start.line - 1][span.start.column - 1 : span.end.column - 1] == value


_WORDS = st.text(alphabet=st.sampled_from("ab=- \t'\"\\"), max_size=30)


@given(_WORDS)
def test_split_keeps_where_each_character_is(text: str) -> None:
    node = _node(text)
    for word in split_command_string(node):
        assert len(word.offsets) == len(word.text)
        assert all(text[at] == char for at, char in zip(word.offsets, word.text, strict=True))
        assert 0 <= word.start < word.end <= len(text)


@given(_WORDS)
def test_split_agrees_with_shlex(text: str) -> None:
    try:
        expected = shlex.split(text)
    except ValueError:
        return  # unbalanced quotes: compose refuses the file, we read what we can
    assert [word.text for word in split_command_string(_node(text))] == expected


def test_shell_operators_split_commands() -> None:
    text = "a x=1&&b -c 'd;e'|f >out; g"
    commands = [
        [w.text for w in words] for words in script_commands(text, _node(text), range(len(text)))
    ]
    assert commands == [["a", "x=1"], ["b", "-c", "d;e"], ["f"], ["g"]]


@pytest.mark.parametrize(
    ("service_yaml", "expected"),
    [
        ("    command: psql postgres://u:pw@db/app\n", [("command", "postgres", "literal", "pw")]),
        (
            "    command: redis-cli -u redis://:pw@cache:6379 ping\n",
            [("command", "redis", "literal", "pw")],
        ),
        (
            "    command: [mongosh, 'mongodb://root:pw@mongo:27017/admin']\n",
            [("command", "mongodb", "literal", "pw")],
        ),
        (
            "    command: app --dsn=mysql://u:pw@h:3306/db\n",
            [("command", "mysql", "literal", "pw")],
        ),
        (
            "    command: app --database-url postgres://u:pw@db\n",
            [("command", "postgres", "literal", "pw")],
        ),
        (
            "    entrypoint: env DATABASE_URL=postgres://u:pw@db sh -c 'exec app'\n",
            [("entrypoint", "postgres", "literal", "pw")],
        ),
        (
            "    command: [sh, -c, 'DATABASE_URL=\"postgres://u:p w@db\" app; psql amqp://g:gpw@mq']\n",
            [("command", "amqp", "literal", "gpw")],
        ),
        (
            "    healthcheck:\n      test: [CMD-SHELL, 'psql \"postgres://u:pw@localhost/app\"']\n",
            [("healthcheck.test", "postgres", "literal", "pw")],
        ),
        (
            "    command: psql postgres://u:${PW:-dflt}@db/app\n",
            [("command", "postgres", "default", "dflt")],
        ),
        (
            "    command: su postgres -c 'psql postgres://a:b@db'\n",
            [("command", "postgres", "literal", "b")],
        ),
        (
            "    post_start:\n      - command: [sh, -c, 'psql postgres://u:pw@db']\n",
            [("post_start[0].command", "postgres", "literal", "pw")],
        ),
        (
            "    pre_stop:\n      - command: curl -X POST http://admin:adminpw@localhost/drain\n",
            [("pre_stop[0].command", "http", "literal", "adminpw")],
        ),
    ],
)
def test_url_passwords_found(service_yaml: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert _found(service_yaml, urls=True) == expected
    assert _found(service_yaml) == []  # DC330 leaves connection strings to DC331


@pytest.mark.parametrize(
    "service_yaml",
    [
        "    command: psql postgres://u:${PW}@db/app\n",
        "    command: psql postgres://u:${PW:?set PW}@db/app\n",
        "    command: psql postgres://u:$${PW}@db/app\n",
        "    command: psql postgres://u:${PW:-}@db/app\n",
        "    command: psql postgres://postgres@db/app\n",
        "    command: [redis-cli, -u, 'redis://cache:6379/0', ping]\n",
        "    command: sh -c 'psql \"postgres://u:$$(cat /run/secrets/pw)@db/app\"'\n",
        "    command: sh -c 'psql \"postgres://u:`cat /run/secrets/pw`@db/app\"'\n",
        '    healthcheck:\n      test: mongosh "mongodb://root:$$MONGO_PW@localhost" --quiet\n',
        "    healthcheck:\n      test: curl -f http://localhost:8080/health || exit 1\n",
        "    command: echo ok # psql postgres://u:pw@db\n",
    ],
)
def test_no_url_passwords(service_yaml: str) -> None:
    assert _found(service_yaml, urls=True) == []


def test_url_credential_reads_the_value_as_written() -> None:
    found = url_credential("postgres://${U:-app}:${P:-s3cret}@db/app")
    assert found is not None and (found.scheme, found.kind) == ("postgres", "default")
    assert "postgres://${U:-app}:${P:-s3cret}@db/app"[found.start : found.end] == "s3cret"
    assert url_credential("postgres://${U:-app}:${P}@db/app") is None
    assert url_credential("postgres://u:${P:-true}@db") is None  # a flag, not a password
    assert url_credential("https://example.com/a:b@c") is None


@pytest.mark.parametrize(
    ("service_yaml", "expected"),
    [
        # su and runuser in their su form run -c SCRIPT with the user's shell
        (
            "    command: su postgres -c 'PGPASSWORD=pw psql -h db'\n",
            [("command", "PGPASSWORD", "literal", "pw")],
        ),
        (
            "    command: su -c 'redis-cli -a hunter2 ping' redis\n",
            [("command", "-a", "literal", "hunter2")],
        ),
        (
            "    command: [su, -, redis, -s, /bin/sh, -c, 'redis-cli -a hunter2 ping']\n",
            [("command", "-a", "literal", "hunter2")],
        ),
        (
            "    command: su --command='redis-cli -a hunter2 ping' redis\n",
            [("command", "-a", "literal", "hunter2")],
        ),
        (
            "    command: runuser -l postgres -c 'pg_ctl start; psql --password=abc'\n",
            [("command", "--password", "literal", "abc")],
        ),
        (
            "    command: sudo su - app -c 'app --token t0k3n'\n",
            [("command", "--token", "literal", "t0k3n")],
        ),
        # wrappers with options of their own in front of the program
        (
            "    command: runuser -u app -- redis-cli -a hunter2 ping\n",
            [("command", "-a", "literal", "hunter2")],
        ),
        (
            "    command: sudo -u postgres PGPASSWORD=x psql\n",
            [("command", "PGPASSWORD", "literal", "x")],
        ),
        (
            "    command: sudo -E -u mysql mysql --password=pw app\n",
            [("command", "--password", "literal", "pw")],
        ),
        (
            "    command: timeout -s KILL 30 redis-cli -a hunter2 ping\n",
            [("command", "-a", "literal", "hunter2")],
        ),
        (
            "    post_start:\n      - command: redis-cli -a hunter2 ping\n        user: redis\n",
            [("post_start[0].command", "-a", "literal", "hunter2")],
        ),
        (
            "    pre_stop:\n      - command: [app, drain]\n      - command: [app, --token, t0k3n]\n",
            [("pre_stop[1].command", "--token", "literal", "t0k3n")],
        ),
    ],
)
def test_wrappers_and_hooks(service_yaml: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert _found(service_yaml) == expected


@pytest.mark.parametrize(
    "service_yaml",
    [
        "    command: sudo -u postgres psql --password appdb\n",
        "    command: nice -n 10 vacuumdb --password --all\n",
        "    command: runuser -u mysql -- mysql --password reports\n",
        "    command: runuser -u app -- psql -c 'select 1' --password db\n",
        "    command: su postgres -c 'psql -c \"select 1\" --password appdb'\n",
        "    command: su redis -c 'redis-cli -a \"$$REDIS_PASSWORD\" ping'\n",
        "    post_start:\n      - command: sh -c 'redis-cli -a \"$$(cat /run/secrets/r)\" SAVE'\n",
    ],
)
def test_wrappers_without_credentials(service_yaml: str) -> None:
    assert _found(service_yaml) == []
