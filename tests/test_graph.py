"""``shiplint graph``: snapshots of every format, the elements and where findings land,
determinism, bad input, and a property test over generated projects.

The renderers themselves (Graphviz, Mermaid's CLI) are run in tests/test_graph_render.py.
Regenerate the snapshots after an intended change with ``SHIPLINT_UPDATE=1``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from goldens import updating
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lintrun import run_cli, write_files

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = ROOT / "tests" / "golden" / "graph"
FORMATS = {"mermaid": "mmd", "dot": "dot", "json": "json"}
# (name, working directory, paths): the README's example and the fixtures of every element
CASES = {
    "examples": (ROOT, ["examples"]),
    "stack": (GRAPHS / "stack", ["."]),
    "stages": (GRAPHS / "stages", ["."]),
    "odd": (GRAPHS / "odd", ["."]),
}


def graph(folder: Path, *args: str) -> str:
    code, out, err = run_cli(folder, ["graph", "--no-config", "--jobs", "1", *args])
    assert code == 0, err
    assert err == ""
    return out


def graph_json(folder: Path, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(graph(folder, "--format", "json", *args))
    return data


def _stable(text: str, output_format: str) -> str:
    """The JSON names the tool's version: keep snapshots valid across releases."""
    if output_format == "json":
        return re.sub(r'("name": "shiplint", "version": )"[^"]*"', r'\1"VERSION"', text)
    return text


@pytest.mark.parametrize("output_format", list(FORMATS))
@pytest.mark.parametrize("case", list(CASES))
def test_snapshot(case: str, output_format: str) -> None:
    folder, paths = CASES[case]
    out = _stable(graph(folder, "--format", output_format, *paths), output_format)
    golden = GRAPHS / f"{case}.{FORMATS[output_format]}"
    if updating():
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run with SHIPLINT_UPDATE=1"
    assert out == golden.read_text(encoding="utf-8")


def test_mermaid_is_the_default_and_output_file_writes_the_same(tmp_path: Path) -> None:
    folder, paths = CASES["examples"]
    default = graph(folder, *paths)
    assert default.startswith("flowchart LR\n")
    target = tmp_path / "stack.mmd"
    assert graph(folder, *paths, "--output-file", str(target)) == ""
    assert target.read_text(encoding="utf-8") == default


def test_output_is_deterministic_and_independent_of_jobs() -> None:
    folder = GRAPHS / "stack"
    for output_format in FORMATS:
        first = graph(folder, "--format", output_format, ".")
        assert graph(folder, "--format", output_format, ".") == first
        code, parallel, err = run_cli(
            folder, ["graph", "--no-config", "--jobs", "2", "--format", output_format, "."]
        )
        assert (code, err) == (0, "")
        assert parallel == first


def test_json_matches_its_published_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "graph-schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for case, (folder, paths) in CASES.items():
        data = graph_json(folder, *paths)
        jsonschema.Draft202012Validator(schema).validate(data)
        ids = [e["id"] for key in ("groups", "nodes", "edges") for e in data[key]]
        assert len(ids) == len(set(ids)), case
        nodes = {n["id"] for n in data["nodes"]}
        for edge in data["edges"]:
            assert {edge["source"], edge["target"]} <= nodes, (case, edge["id"])


# ---------------------------------------------------------------------------- the stack


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    return graph_json(GRAPHS / "stack", ".")


def _node(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    found = [n for n in data["nodes"] if n["id"] == node_id]
    assert len(found) == 1, node_id
    return found[0]


def _edges(
    data: dict[str, Any], kind: str, source: str | None = None, target: str | None = None
) -> list[dict[str, Any]]:
    return [
        e
        for e in data["edges"]
        if e["kind"] == kind and source in (None, e["source"]) and target in (None, e["target"])
    ]


def test_the_fixtures_cover_every_kind(stack: dict[str, Any]) -> None:
    from linter.graph.model import EDGE_KINDS, GROUP_KINDS, NODE_KINDS

    stages = graph_json(GRAPHS / "stages", ".")
    both = [stack, stages]
    assert {g["kind"] for d in both for g in d["groups"]} == set(GROUP_KINDS)
    assert {n["kind"] for d in both for n in d["nodes"]} == set(NODE_KINDS)
    assert {e["kind"] for d in both for e in d["edges"]} == set(EDGE_KINDS)


def test_services_images_builds_and_profiles(stack: dict[str, Any]) -> None:
    services = {n["label"].split("\n")[0]: n for n in stack["nodes"] if n["kind"] == "service"}
    assert list(services) == [
        "proxy",
        "api",
        "migrate",
        "worker",
        "db",
        "cache",
        "sniffer",
        "sidecar",
        "metrics",
    ]
    assert services["proxy"]["label"] == "proxy\nnginx:1.27-alpine"
    assert services["worker"]["attributes"]["profiles"] == ["jobs"]
    assert "profile: debug" in services["sniffer"]["label"]
    builds = {e["source"]: e for e in _edges(stack, "builds")}
    assert builds["svc_api"]["target"] == "stage_shop_Dockerfile_runtime"
    assert builds["svc_migrate"]["target"] == "stage_shop_Dockerfile_migrations"
    assert builds["svc_worker"]["target"] == "stage_shop_Dockerfile_runtime"  # no target: last
    runtime = _node(stack, "stage_shop_Dockerfile_runtime")
    assert runtime["attributes"]["target_of"] == ["api"]
    assert runtime["attributes"]["final"] is True
    assert _node(stack, "stage_shop_Dockerfile_docs")["attributes"]["reached"] is False
    assert _node(stack, "stage_shop_Dockerfile_assets")["attributes"]["reached"] is True


def test_networks_ports_and_network_modes(stack: dict[str, Any]) -> None:
    networks = {n["id"]: n["attributes"] for n in stack["nodes"] if n["kind"] == "network"}
    assert networks["net_back"]["internal"] is True
    assert networks["net_legacy"]["external"] is True
    assert networks["net_legacy"]["name"] == "corp-legacy"
    assert networks["net_front"]["driver"] == "bridge"
    api = [(e["target"], e["attributes"]["primary"]) for e in _edges(stack, "network", "svc_api")]
    assert api == [("net_front", True), ("net_back", False)]
    ports = {n["label"]: n["attributes"] for n in stack["nodes"] if n["kind"] == "port"}
    assert ports["0.0.0.0:80"]["all_interfaces"] is True
    assert ports["127.0.0.1:6379"]["all_interfaces"] is False
    assert ports["127.0.0.1:9000"]["target"] == "9000"  # long form
    assert ports["[::1]:8443"]["all_interfaces"] is False
    assert ports["0.0.0.0:8125/udp"]["protocol"] == "udp"
    assert ports["0.0.0.0:9229"]["service"] == "api"  # from the override file
    assert "0.0.0.0:9090" in ports  # from the included file
    modes = {(e["source"], e["target"]) for e in _edges(stack, "network-mode")}
    assert modes == {("svc_sniffer", "hostnet_compose_yaml"), ("svc_sidecar", "svc_api")}
    assert not _edges(stack, "network", "svc_sniffer")


def test_mounts_secrets_configs_and_dependencies(stack: dict[str, Any]) -> None:
    binds = {n["attributes"]["path"]: n for n in stack["nodes"] if n["kind"] == "bind"}
    assert binds["/var/run/docker.sock"]["attributes"]["sensitive"] is True
    assert binds["/var/run/docker.sock"]["label"].startswith("⚠")
    assert binds["/etc"]["attributes"]["sensitive"] is True
    assert binds["./proxy/nginx.conf"]["attributes"]["sensitive"] is False
    assert "../shop/static" in binds  # from the service that api extends
    volumes = {n["label"]: n["attributes"] for n in stack["nodes"] if n["kind"] == "volume"}
    assert volumes["uploads (external)"]["external"] is True
    assert "prometheus" in volumes
    worker = _node(stack, "svc_worker")
    assert worker["attributes"]["ephemeral_mounts"] == ["/tmp"]
    assert len(_edges(stack, "uses", target="secret_db_password")) == 3
    assert _edges(stack, "uses", "svc_proxy", "config_proxy_tls")
    conditions = {
        (e["source"], e["target"]): e["attributes"]["condition"]
        for e in _edges(stack, "depends-on")
    }
    assert conditions[("svc_api", "svc_db")] == "service_healthy"
    assert conditions[("svc_api", "svc_migrate")] == "service_completed_successfully"
    assert conditions[("svc_worker", "svc_cache")] == "service_started"


def test_findings_land_on_what_they_are_about(stack: dict[str, Any]) -> None:
    def codes(element: dict[str, Any]) -> list[str]:
        return list(element["codes"])

    db_port = _edges(stack, "publishes", "port_db_5432_tcp", "svc_db")[0]
    assert codes(db_port) == ["DC201"]
    assert db_port["severity"] == "warning"
    assert "DC201" not in codes(_node(stack, "svc_db"))
    # a dependency that does not wait for the healthcheck: on the depends_on line
    assert codes(_edges(stack, "depends-on", "svc_migrate", "svc_db")[0]) == ["DC408"]
    assert codes(_edges(stack, "depends-on", "svc_worker", "svc_db")[0]) == ["DC408"]
    sock = _edges(stack, "mounts", "svc_proxy", "bind_var_run_docker_sock")[0]
    assert codes(sock) == ["DC301"] and sock["severity"] == "error"
    assert codes(_edges(stack, "network-mode", "svc_sniffer")[0]) == ["DC203"]
    assert codes(_edges(stack, "depends-on", "svc_proxy", "svc_api")[0]) == ["DC400"]
    assert "DC403" in codes(_node(stack, "svc_cache"))
    finding = _node(stack, "svc_cache")["findings"][0]
    assert finding["path"] == "compose.yaml" and finding["line"] >= 1
    stages = graph_json(GRAPHS / "stages", ".")
    by_index = [e for e in _edges(stages, "copy") if e["codes"]]
    assert [e["codes"] for e in by_index] == [["DF206"]]
    assert by_index[0]["source"] == "stage_Dockerfile_cli_build"


def test_isolation_findings_on_the_default_network_go_to_the_membership() -> None:
    data = graph_json(ROOT, "examples")
    cache = _edges(data, "network", "svc_cache", "net_default")[0]
    assert cache["codes"] == ["DC204"]
    assert "DC204" not in _node(data, "svc_cache")["codes"]
    assert "DC310" in _node(data, "svc_cache")["codes"]  # privileged: about the service


def test_the_selection_and_configuration_of_check_apply(tmp_path: Path) -> None:
    folder, paths = CASES["examples"]
    narrowed = graph_json(folder, *paths, "--select", "DC201")
    found = {c for key in ("groups", "nodes", "edges") for e in narrowed[key] for c in e["codes"]}
    assert found == {"DC201"}
    write_files(
        tmp_path,
        {
            ".shiplint.toml": 'ignore = ["DC201"]\nseverity = { DC403 = "error" }\n',
            "compose.yaml": "services:\n  db:\n    image: postgres:16.4\n    ports: ['5432:5432']\n",
        },
    )
    code, out, err = run_cli(tmp_path, ["graph", "--format", "json"])
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert _edges(data, "publishes")[0]["codes"] == []
    assert _node(data, "svc_db")["severity"] == "error"


def test_stage_graph_of_fifteen_stages() -> None:
    data = graph_json(GRAPHS / "stages", ".")
    stages = [n for n in data["nodes"] if n["kind"] == "stage"]
    assert len(stages) == 15
    unreached = sorted(n["attributes"]["name"] for n in stages if not n["attributes"]["reached"])
    assert unreached == ["api-test", "debug", "docs"]
    finals = [n["attributes"]["name"] for n in stages if n["attributes"]["final"]]
    assert finals == ["release"]
    images = {n["attributes"]["reference"] for n in data["nodes"] if n["kind"] == "image"}
    assert images == {"busybox:1.36", "ghcr.io/acme/certs:2024"}
    mounts = {(e["source"], e["target"]) for e in _edges(data, "mount")}
    assert ("stage_Dockerfile_engine_build", "stage_Dockerfile_native") in mounts
    assert len(_edges(data, "from")) == 10


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(tmp_path, ["graph", "missing/"])
    assert (code, out) == (2, "")
    assert err == "shiplint: error: missing/: no such file or folder\n"
    code, _, err = run_cli(tmp_path, ["graph", "-"])
    assert code == 2 and "standard input" in err
    code, _, _ = run_cli(tmp_path, ["graph", "--format", "png"])
    assert code == 2 and "invalid choice: 'png'" in capsys.readouterr().err  # argparse's own
    write_files(tmp_path, {"compose.yaml": "services: [oops\n", "Dockerfile": "FROM\n"})
    code, out, err = run_cli(tmp_path, ["graph", "--format", "json"])
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [g["kind"] for g in data["groups"]] == ["project", "dockerfile"]
    assert data["groups"][0]["codes"]  # the syntax error, on the project


def test_check_never_imports_the_graph_package(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.27\n",
            "Dockerfile": 'FROM alpine:3.20\nCMD ["sh"]\n',
        },
    )
    probe = (
        "import json, sys\nfrom linter.cli import main\nmain(['check', '.'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('linter.graph'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_the_installed_command_draws(tmp_path: Path) -> None:
    write_files(tmp_path, {"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n"})
    done = subprocess.run(
        ["shiplint", "graph", "--format", "dot"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("digraph shiplint {")


# ---------------------------------------------------------------------------- property

NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    networks = draw(st.lists(NAMES, min_size=0, max_size=4, unique=True))
    services = draw(st.lists(NAMES, min_size=1, max_size=8, unique=True))
    stages = draw(st.lists(NAMES, min_size=1, max_size=6, unique=True))
    spec: dict[str, Any] = {"networks": networks, "services": {}, "stages": stages, "ports": []}
    next_port = 1024
    for name in services:
        joined = (
            draw(st.lists(st.sampled_from(networks), max_size=3, unique=True)) if networks else []
        )
        ports = []
        for _ in range(draw(st.integers(0, 3))):
            ip = draw(st.sampled_from(["", "127.0.0.1:", "0.0.0.0:", "[::1]:"]))
            protocol = draw(st.sampled_from(["", "/udp"]))
            ports.append(f"{ip}{next_port}:80{protocol}")
            next_port += 1
        depends = draw(st.lists(st.sampled_from(services), max_size=2, unique=True))
        build = draw(st.booleans())
        target = draw(st.sampled_from([None, *stages])) if build else None
        spec["services"][name] = {
            "networks": joined,
            "ports": ports,
            "build": build,
            "target": target,
            "depends": [d for d in depends if d != name],
        }
        spec["ports"].extend(ports)
    copies = [
        (index, draw(st.integers(0, index - 1)))
        for index in range(1, len(stages))
        if draw(st.booleans())
    ]
    spec["copies"] = copies
    return spec


def _write(folder: Path, spec: dict[str, Any]) -> None:
    lines = ["services:"]
    for name, service in spec["services"].items():
        lines.append(f"  {name}:")
        if service["build"]:
            lines += ["    build:", "      context: ."]
            if service["target"]:
                lines.append(f"      target: {service['target']}")
        else:
            lines.append("    image: alpine:3.20")
        if service["networks"]:
            lines.append(f"    networks: [{', '.join(service['networks'])}]")
        if service["ports"]:
            lines.append("    ports:")
            lines += [f'      - "{port}"' for port in service["ports"]]
        if service["depends"]:
            lines.append(f"    depends_on: [{', '.join(service['depends'])}]")
    if spec["networks"]:
        lines.append("networks:")
        lines += [f"  {name}: {{}}" for name in spec["networks"]]
    stages = spec["stages"]
    dockerfile = []
    for index, stage in enumerate(stages):
        dockerfile.append(f"FROM alpine:3.20 AS {stage}")
        dockerfile += [
            f"COPY --from={stages[source]} /out /in{source}"
            for target, source in spec["copies"]
            if target == index
        ]
        dockerfile.append(f"RUN echo {stage} > /out")
    write_files(
        folder,
        {"compose.yaml": "\n".join(lines) + "\n", "Dockerfile": "\n".join(dockerfile) + "\n"},
    )


def _defined(mermaid: str, node_id: str) -> int:
    """How often a Mermaid node is defined (``id[...]``, ``id(...)``, ``id{...}``...)."""
    return len(re.findall(rf"^\s*{re.escape(node_id)}[\[\(\{{>]", mermaid, re.MULTILINE))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_every_element_appears_exactly_once(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        _write(folder, spec)
        data = graph_json(folder, ".")
        mermaid = graph(folder, ".")
        dot = graph(folder, "--format", "dot", ".")
    nodes = data["nodes"]

    def of_kind(kind: str) -> list[dict[str, Any]]:
        return [n for n in nodes if n["kind"] == kind]

    services = of_kind("service")
    assert [n["label"].split("\n")[0] for n in services] == list(spec["services"])
    used = {net for s in spec["services"].values() for net in s["networks"]}
    defaults = any(not s["networks"] for s in spec["services"].values())
    expected_networks = list(spec["networks"]) + (
        ["default"] if defaults and "default" not in spec["networks"] else []
    )
    assert used <= set(spec["networks"])
    assert [n["label"] for n in of_kind("network")] == expected_networks
    assert sorted(n["attributes"]["name"] for n in of_kind("stage")) == sorted(spec["stages"])
    ports = of_kind("port")
    assert len(ports) == len(spec["ports"])
    published = sorted(int(n["attributes"]["published"]) for n in ports)
    assert published == sorted(int(p.split(":")[-2].split("]")[-1]) for p in spec["ports"])
    for node in nodes:
        if node["kind"] == "network":
            # a network is drawn as its box, and as a node only when an edge needs it
            box = "box_" + node["id"]
            assert mermaid.count(f"subgraph {box}[") + _defined(mermaid, node["id"]) >= 1
            assert mermaid.count(f"subgraph {box}[") == 1
            assert dot.count(f"subgraph cluster_{box} ") == 1
            continue
        assert _defined(mermaid, node["id"]) == 1, node["id"]
        assert len(re.findall(rf"^\s*{re.escape(node['id'])} \[", dot, re.MULTILINE)) == 1


# ---------------------------------------------------------------------------- markdown report


def test_the_markdown_report_embeds_the_stack_with_its_findings() -> None:
    folder, paths = CASES["examples"]
    code, report, err = run_cli(
        folder, ["check", "--no-config", "--jobs", "1", "--format", "markdown", *paths]
    )
    assert (code, err) == (1, "")
    block = report.split("### Stack\n\n```mermaid\n", 1)[1].split("\n```\n", 1)[0] + "\n"
    assert block == graph(folder, *paths)  # the same picture as `shiplint graph`
    narrowed = run_cli(
        folder, ["check", "--no-config", "--format", "markdown", "--select", "DC201", *paths]
    )[1]
    assert "linkStyle" in narrowed and "k_service_warning" not in narrowed


def test_the_markdown_report_of_dockerfiles_alone_has_no_stack() -> None:
    code, report, _ = run_cli(
        ROOT, ["check", "--no-config", "--format", "markdown", "examples/Dockerfile"]
    )
    assert code == 1
    assert "### Stack" not in report and "mermaid" not in report


def test_many_plain_bind_mounts_of_a_service_draw_as_one_node() -> None:
    folder = GRAPHS / "odd"
    data = graph_json(folder, ".")
    assert len(_edges(data, "mounts", "svc_files")) == 4  # the JSON keeps every mount
    for output_format, definition in (
        ("mermaid", '[/"./conf (4 bind mounts)"/]'),
        ("dot", 'label="./conf (4 bind mounts)"'),
    ):
        picture = graph(folder, "--format", output_format, ".")
        assert picture.count(definition) == 1
        assert "bind_conf_app_main_conf" not in picture
    # a sensitive mount (/ of end) stays on its own
    assert "bind_x" in graph(folder, ".")


def test_a_stack_too_large_for_mermaid_is_left_out_of_the_report(tmp_path: Path) -> None:
    from linter.graph.build import MERMAID_MAX_TEXT

    services = "".join(
        f"  service-with-a-long-name-{i}:\n    image: ghcr.io/acme/app:1.{i}\n"
        f"    ports: ['{2000 + i}:80']\n"
        for i in range(400)
    )
    write_files(tmp_path, {"compose.yaml": "services:\n" + services})
    assert len(graph(tmp_path, ".")) > MERMAID_MAX_TEXT
    code, report, _ = run_cli(tmp_path, ["check", "--format", "markdown", "--jobs", "1"])
    assert code == 0 and report.startswith("## shiplint") and "### Stack" not in report


def test_a_folder_with_nothing_to_draw_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli(tmp_path, ["graph", "--format", "json", "empty"])
    assert code == 0
    assert json.loads(out)["nodes"] == []
    assert err == "shiplint: warning: no Dockerfile or compose file found under empty\n"
