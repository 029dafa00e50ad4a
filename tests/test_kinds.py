"""Every file is analysed as what it is: kinds by name then content, the legacy v1 layout,
YAML 1.1 booleans, unset variables and values shared through anchors (issue 9, section 1).

Run through the installed ``shiplint`` command, as users do.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SHIPLINT = shutil.which("shiplint")

pytestmark = pytest.mark.skipif(SHIPLINT is None, reason="the shiplint command is installed")

WORKFLOW = """\
name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""

STACK = """\
services:
  proxy:
    image: traefik:v3.1
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
    ports:
      - "80:80"
"""

# The same two services, written in the v1 layout and in the current one.
V1 = """\
# registrator keeps consul up to date with the running containers
registrator:
  image: gliderlabs/registrator:v7
  command: consul://consul:8500
  volumes:
    - /var/run/docker.sock:/tmp/docker.sock
  links:
    - consul

consul:
  image: progrium/consul:latest
  environment:
    CONSUL_MASTER_TOKEN: 4f1c0b2e-93aa-4c61-8d55-0e7d2a1f9b37
    POSTGRES_PASSWORD: s3cr3t-Passw0rd
  ports:
    - "8500:8500"
  privileged: true
"""
V2 = "services:\n" + "".join(
    ("  " + line if line.strip() else line) for line in V1.splitlines(keepends=True)[1:]
)


def _run(cwd: Path, *args: str, stdin: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    assert SHIPLINT is not None
    done = subprocess.run(
        [SHIPLINT, "check", "--format", "json", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    findings: list[dict[str, Any]] = json.loads(done.stdout)
    return done.returncode, findings


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / ".shiplint.toml").write_text("", encoding="utf-8")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "what"),
    [
        (".github/workflows/ci.yml", WORKFLOW, "GitHub Actions workflow"),
        ("k8s/deployment.yaml", MANIFEST, "Kubernetes manifest"),
    ],
)
def test_yaml_that_is_not_compose_is_one_finding(
    tmp_path: Path, name: str, text: str, what: str
) -> None:
    _write(tmp_path, name, text)
    code, findings = _run(tmp_path, name)
    assert code == 1
    assert [(f["code"], f["line"]) for f in findings] == [("DC001", 1)]
    assert what in findings[0]["message"]


def test_text_that_is_neither_kind_is_one_finding_not_one_per_line(tmp_path: Path) -> None:
    _write(tmp_path, "NOTES", "deploy with care\nrun the migrations first\nthen restart\n")
    _, findings = _run(tmp_path, "NOTES")
    assert [(f["code"], f["line"]) for f in findings] == [("DF001", 1)]
    assert "neither a Dockerfile" in findings[0]["message"]


def test_a_compose_file_with_an_unusual_name_is_linted_as_compose(tmp_path: Path) -> None:
    _write(tmp_path, "deploy/stack-prod.yml", STACK)
    _, findings = _run(tmp_path, "deploy/stack-prod.yml")
    codes = {f["code"] for f in findings}
    assert "DC301" in codes and not any(code.startswith("DF") for code in codes)


def test_a_dockerfile_with_an_unusual_name_is_linted_as_a_dockerfile(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "build/app.docker",
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN apk add curl\n",
    )
    _, findings = _run(tmp_path, "build/app.docker")
    assert "DF302" in {f["code"] for f in findings}


def test_stdin_without_a_name_is_told_by_its_content(tmp_path: Path) -> None:
    _write(tmp_path, "unused", "")
    _, compose = _run(tmp_path, "-", stdin=STACK)
    assert "DC301" in {f["code"] for f in compose}
    _, workflow = _run(tmp_path, "-", stdin=WORKFLOW)
    assert [f["code"] for f in workflow] == ["DC001"]
    _, dockerfile = _run(tmp_path, "-", stdin="FROM alpine:3.20\nRUN apk add curl\n")
    assert "DF302" in {f["code"] for f in dockerfile}


def test_kind_option_still_wins_over_the_content(tmp_path: Path) -> None:
    _write(tmp_path, "ci.yml", WORKFLOW)
    _, findings = _run(tmp_path, "--kind", "compose", "ci.yml")
    assert "DC006" in {f["code"] for f in findings}  # as asked: validated as compose


def _without_layout(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((f["code"], f["message"]) for f in findings if f["code"] != "DC008")


def test_v1_services_get_the_findings_of_their_v2_equivalents(tmp_path: Path) -> None:
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    _write(tmp_path / "v1", "docker-compose.yml", V1)
    _write(tmp_path / "v2", "docker-compose.yml", V2)
    _, old = _run(tmp_path / "v1", "docker-compose.yml")
    _, new = _run(tmp_path / "v2", "docker-compose.yml")
    layout = [f for f in old if f["code"] == "DC008"]
    assert [(f["line"], f["column"]) for f in layout] == [(1, 1)]
    assert not any(f["code"] == "DC006" for f in old)  # no schema error per service
    assert {"DC301", "DC310", "DC330", "DC500"} <= {f["code"] for f in old}
    assert _without_layout(old) == _without_layout(new)


def test_v1_fix_nests_the_services_and_the_result_lints_like_v2(tmp_path: Path) -> None:
    path = _write(tmp_path, "docker-compose.yml", V1)
    assert SHIPLINT is not None
    subprocess.run(
        [SHIPLINT, "check", "--fix", "--quiet", "docker-compose.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert path.read_text(encoding="utf-8") == V1.splitlines(keepends=True)[0] + V2


def test_yaml11_booleans_only_where_readers_disagree(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "compose.yaml",
        (
            "services:\n  app:\n    image: node:22-alpine\n    init: yes\n    tty: on\n"
            "    read_only: no\n    environment:\n      NODE_ENV: production\n"
            "      FEATURE_X: on\nnetworks:\n  back:\n    internal: yes\n"
        ),
    )
    _, findings = _run(tmp_path, "--select", "DC004", "compose.yaml")
    assert [(f["line"], f["column"]) for f in findings] == [(9, 18)]
    assert 'the string "on" for compose' in findings[0]["message"]
    assert "the boolean true for YAML 1.1" in findings[0]["message"]


def test_unset_variables_are_unknown_not_malformed(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "compose.yaml",
        (
            "services:\n  app:\n    image: ghcr.io/acme/app:2.1.0\n"
            "    container_name: ${APP_CONTAINER}\n    stop_grace_period: ${APP_GRACE}\n"
            "    build:\n      context: ${APP_SRC}\n      target: ${APP_TARGET}\n"
            "    pull_policy: build\n"
            '    healthcheck:\n      test: ["CMD", "wget", "-qO-", "http://localhost:8080/"]\n'
            "      interval: ${HC_INTERVAL}\n      timeout: ${HC_TIMEOUT:-5s}\n"
            "      retries: 3\n"
        ),
    )
    _, findings = _run(tmp_path, "compose.yaml")
    codes = {f["code"] for f in findings}
    assert not codes & {"DC006", "DC114", "DC401", "DC601", "DC602", "DC603"}, findings
    (tmp_path / ".env").write_text("HC_INTERVAL=30\n", encoding="utf-8")
    _, findings = _run(tmp_path, "compose.yaml")
    assert [(f["code"], f["line"]) for f in findings if f["code"] == "DC401"] == [("DC401", 12)]


def test_a_value_shared_through_an_anchor_is_reported_once(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "compose.yaml",
        (
            "x-app: &app\n  image: ghcr.io/acme/app:1.4.2\n  privileged: true\n"
            "  volumes:\n    - /var/run/docker.sock:/var/run/docker.sock\n"
            'services:\n  api:\n    <<: *app\n    command: ["api"]\n'
            '  worker:\n    <<: *app\n    command: ["worker"]\n'
            '  cron:\n    <<: *app\n    command: ["cron"]\n'
        ),
    )
    _, findings = _run(tmp_path, "--select", "DC301,DC310", "compose.yaml")
    assert [(f["code"], f["line"]) for f in findings] == [("DC310", 3), ("DC301", 5)]
    for finding in findings:
        assert "service 'api'" in finding["message"]
        assert "also in services worker, cron" in finding["message"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('services:\n  web:\n    image: "nginx:1.27\n\n', (3, 12)),
        ('services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"\n', (4, 12)),
        ("services:\n  web:\n    image: nginx:1.27\n    labels: {tier: front\n", (4, 13)),
    ],
)
def test_an_unclosed_value_is_reported_where_it_opens(
    tmp_path: Path, text: str, where: tuple[int, int]
) -> None:
    _write(tmp_path, "compose.yaml", text)
    _, findings = _run(tmp_path, "compose.yaml")
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("DC001", *where)]
    assert "the file ends before this is closed" in findings[0]["message"]


def test_no_finding_ends_past_the_last_line(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx:1.27\n    networks: [edge]\n"
        "networks:\n  edge:\n    external:\n      name: edge_default\n"
    )
    _write(tmp_path, "compose.yaml", text)
    _, findings = _run(tmp_path, "compose.yaml")
    assert "DC405" in {f["code"] for f in findings}
    for finding in findings:
        assert finding["end_line"] <= 8, finding


def test_v1_fix_with_every_other_compose_fix_gives_a_valid_file(tmp_path: Path) -> None:
    import yaml

    path = _write(tmp_path, "docker-compose.yml", V1)
    assert SHIPLINT is not None
    rules = subprocess.run(
        [SHIPLINT, "rules", "--format", "json"], capture_output=True, text=True, timeout=120
    )
    codes = [r["code"] for r in json.loads(rules.stdout) if r["code"].startswith("DC")]
    subprocess.run(
        [
            SHIPLINT,
            "check",
            "--select",
            ",".join(codes),
            "--fix",
            "--unsafe-fixes",
            "--quiet",
            "docker-compose.yml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert sorted(data) == ["services"]
    assert sorted(data["services"]) == ["consul", "registrator"]
    _, findings = _run(tmp_path, "docker-compose.yml")
    assert not {f["code"] for f in findings} & {"DC001", "DC006", "DC008"}
