"""CLI habits users bring from other linters, checked on the installed ``shiplint`` command:
nothing to lint, did-you-mean, what a run over named files reports, --statistics in every
format, progress on a terminal only, Ctrl-C, and fixes that compose."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from lintrun import write_files

SHIPLINT = shutil.which("shiplint")
pytestmark = pytest.mark.skipif(SHIPLINT is None, reason="the shiplint command is not installed")

BACKEND_DOCKERFILE = (  # old findings: lower-case FROM, pip cache, unpinned flask, shell-form CMD
    "from python:3.12-slim\n"
    "ARG APP_VERSION\n"
    "WORKDIR /app\n"
    "RUN pip install flask\n"
    "COPY . .\n"
    "USER 1000\n"
    "CMD python app.py\n"
)
COMPOSE = (
    "services:\n"
    "  api:\n"
    "    build:\n"
    "      context: ./backend\n"
    "      args:\n"
    "        APP_VERSION: 1.4.2\n"
    "    ports:\n"
    '      - "127.0.0.1:8000:8000"\n'
)
PROJECT = {
    ".shiplint.toml": "",
    "compose.yaml": COMPOSE,
    "backend/Dockerfile": BACKEND_DOCKERFILE,
    "backend/.dockerignore": ".git\n.env\n",
    "backend/app.py": "print('hello')\n",
}


def shiplint(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "TERM")}
    environment.update(env)
    return subprocess.run(
        [str(SHIPLINT), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _project(root: Path) -> Path:
    write_files(root, PROJECT)
    return root


# ---------------------------------------------------------------------------- nothing to lint


def test_a_folder_with_nothing_to_lint_warns_and_passes(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".shiplint.toml": "",
            "docs/README.md": "# docs\n",
            "services/compose.yaml": COMPOSE.replace("build:", "x-build:"),
        },
    )
    done = shiplint(tmp_path, "check", "docs")
    assert done.returncode == 0
    assert done.stderr == "shiplint: warning: no Dockerfile or compose file found under docs\n"
    assert shiplint(tmp_path, "check", "--quiet", "docs").stderr == done.stderr
    both = shiplint(tmp_path, "check", "--format", "concise", "docs", "services")
    assert "under docs" in both.stderr and "under services" not in both.stderr
    in_actions = shiplint(tmp_path, "check", "docs", GITHUB_ACTIONS="true")
    assert in_actions.returncode == 0
    assert (
        "::warning title=shiplint::no Dockerfile or compose file found under docs"
        in in_actions.stderr
    )


def test_a_folder_whose_files_are_all_ignored_warns_too(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {".shiplint.toml": 'exclude = ["vendor"]\n', "app/vendor/Dockerfile": "FROM alpine:3.20\n"},
    )
    done = shiplint(tmp_path, "check", "app")
    assert "no Dockerfile or compose file found under app" in done.stderr


# ---------------------------------------------------------------------------- did you mean


def test_a_mistyped_command_gets_a_suggestion(tmp_path: Path) -> None:
    _project(tmp_path)
    done = shiplint(tmp_path, "chek", ".")
    assert done.returncode == 2
    assert done.stderr == "shiplint: error: unknown command 'chek'; did you mean 'check'?\n"
    assert "did you mean 'rules'" in shiplint(tmp_path, "ruless").stderr
    # a word that is not near any command is still taken for a path
    assert "nonsense: no such file or folder" in shiplint(tmp_path, "nonsense").stderr


def test_an_existing_path_is_linted_even_if_it_looks_like_a_command(tmp_path: Path) -> None:
    write_files(tmp_path, {".shiplint.toml": "", "chek": 'from alpine:3.20\nCMD ["sh"]\n'})
    done = shiplint(tmp_path, "chek", "--format", "concise")
    assert "unknown command" not in done.stderr
    assert done.returncode == 1 and done.stdout.startswith("chek:1:1:")


def test_mistyped_rules_keys_and_formats_get_suggestions(tmp_path: Path) -> None:
    _project(tmp_path)
    select = shiplint(tmp_path, "check", "--select", "from-as-casng")
    assert select.returncode == 2 and select.stderr == (
        "shiplint: error: --select: unknown rule code, name or alias 'from-as-casng'; "
        "did you mean 'from-as-casing'?\n"
    )
    rule = shiplint(tmp_path, "rule", "from-as-casng")
    assert rule.returncode == 2 and "did you mean 'from-as-casing'?" in rule.stderr
    assert (
        "did you mean 'JSONArgsRecommended'?"
        in shiplint(tmp_path, "check", "--ignore", "JSONArgsRecomended").stderr
    )
    assert "did you mean" not in shiplint(tmp_path, "rule", "DL3088").stderr  # no guess at codes
    fmt = shiplint(tmp_path, "check", "--format", "jsn")
    assert fmt.returncode == 2 and "unknown output format 'jsn'; did you mean 'json'?" in fmt.stderr
    (tmp_path / ".shiplint.toml").write_text('fail_level = "warning"\n', encoding="utf-8")
    key = shiplint(tmp_path, "check")
    assert (
        key.returncode == 2 and "fail_level: unknown key; did you mean 'fail-level'?" in key.stderr
    )


def test_schema_errors_suggest_the_nearest_allowed_key(tmp_path: Path) -> None:
    compose = (
        "services:\n  web:\n    image: nginx:1.27\n    port:\n"
        '      - "127.0.0.1:80:80"\n    healthcheck:\n      tset: ["CMD", "true"]\n'
        "    frobnicate: 1\nvolume:\n  data:\n"
    )
    write_files(tmp_path, {".shiplint.toml": "", "compose.yaml": compose})
    done = shiplint(tmp_path, "check", "--format", "json", "--select", "DC006", "compose.yaml")
    messages = [finding["message"] for finding in json.loads(done.stdout)]
    assert messages == [
        "services.web: unknown key 'port'; did you mean 'ports'?",
        "services.web.healthcheck: unknown key 'tset'; did you mean 'test'?",
        "services.web: unknown key 'frobnicate'",
        "unknown top-level key 'volume'; did you mean 'volumes'?",
    ]


# ---------------------------------------------------------------------------- named files


def test_a_compose_file_named_alone_does_not_report_its_dockerfile(tmp_path: Path) -> None:
    project = _project(tmp_path)
    alone = shiplint(project, "check", "--format", "json", "--select", "ALL", "compose.yaml")
    findings = json.loads(alone.stdout)
    assert {f["path"] for f in findings} == {"compose.yaml"}
    # the Dockerfile still feeds the cross-file rules: its ARG is seen, so no DC604
    assert "DC604" not in {f["code"] for f in findings}
    (project / "backend/Dockerfile").write_text(
        BACKEND_DOCKERFILE.replace("ARG APP_VERSION\n", ""), encoding="utf-8"
    )
    without_arg = json.loads(shiplint(project, "check", "--format", "json", "compose.yaml").stdout)
    assert [(f["path"], f["code"]) for f in without_arg] == [("compose.yaml", "DC604")]
    named_too = json.loads(
        shiplint(project, "check", "--format", "json", "compose.yaml", "backend/Dockerfile").stdout
    )
    assert "backend/Dockerfile" in {f["path"] for f in named_too}
    folder = json.loads(shiplint(project, "check", "--format", "json", ".").stdout)
    assert "backend/Dockerfile" in {f["path"] for f in folder}
    from_below = json.loads(
        shiplint(project / "backend", "check", "--format", "json", "../compose.yaml").stdout
    )
    assert {f["path"] for f in from_below} == {"../compose.yaml"}


def test_fix_on_a_named_compose_file_leaves_its_dockerfile_alone(tmp_path: Path) -> None:
    project = _project(tmp_path)
    shiplint(project, "check", "--fix", "--unsafe-fixes", "--select", "ALL", "compose.yaml")
    assert (project / "backend/Dockerfile").read_text(encoding="utf-8") == BACKEND_DOCKERFILE


# ---------------------------------------------------------------------------- --statistics


@pytest.mark.parametrize(
    "fmt",
    ["full", "concise", "github", "markdown", "json", "sarif", "gitlab", "checkstyle", "junit"],
)
def test_statistics_in_every_format(tmp_path: Path, fmt: str) -> None:
    project = _project(tmp_path)
    done = shiplint(project, "check", "--statistics", "--format", fmt, "backend")
    assert done.returncode == 1
    header = "COUNT  CODE   SEVERITY  FIX  UNSAFE  NAME"
    row = "    1  DF303  warning     1          pip-cache-kept"
    if fmt in ("full", "concise", "github", "markdown"):
        assert header in done.stdout and row in done.stdout
        report, table = done.stdout.split(header)
        assert "DF303" in report  # the findings come first
        if fmt == "markdown":
            assert report.endswith("### Statistics\n\n```text\n") and table.endswith("```\n")
        elif fmt != "full":
            assert table.rstrip().endswith("2 fixable with --fix. 1 more with --unsafe-fixes.")
        return
    if fmt == "json":
        counts = json.loads(done.stdout)["statistics"]
    elif fmt == "sarif":
        counts = json.loads(done.stdout)["runs"][0]["properties"]["statistics"]
    else:  # a fixed schema: the report stays valid and the table goes to stderr
        if fmt == "gitlab":
            json.loads(done.stdout)
        else:
            ET.fromstring(done.stdout)
        assert header in done.stderr and row in done.stderr
        return
    assert counts["total"] == 4 and counts["fixable"] == 2 and counts["unsafe_fixable"] == 1
    assert counts["severity"] == {"error": 0, "warning": 4, "info": 0, "style": 0}
    assert {
        "code": "DF303",
        "name": "pip-cache-kept",
        "severity": "warning",
        "count": 1,
        "fixable": 1,
        "unsafe_fixable": 0,
    } in counts["rules"]


# ---------------------------------------------------------------------------- terminal


def _many_dockerfiles(root: Path, count: int) -> None:
    write_files(root, {".shiplint.toml": ""})
    text = (
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl git\n"
        "COPY . /app\nRUN pip install -r /app/requirements.txt\nCMD python /app/main.py\n"
    )
    for index in range(count):
        write_files(root, {f"svc{index:04}/Dockerfile": text})


def _on_a_terminal(
    cwd: Path, args: list[str], term: str, interrupt_when: str | None = None
) -> tuple[int, str]:
    """Run shiplint with stderr on a pseudo-terminal; return its exit code and what the
    terminal showed. With ``interrupt_when``, press Ctrl-C (SIGINT to the process group, as a
    terminal does) once that text has appeared."""
    import pty

    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    environment["TERM"] = term
    process = subprocess.Popen(
        [str(SHIPLINT), *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    shown = b""
    deadline = time.monotonic() + 240
    interrupted = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the other end is closed: the process is done
                break
            if not chunk:
                break
            shown += chunk
        if interrupt_when and not interrupted and interrupt_when.encode() in shown:
            os.killpg(process.pid, signal.SIGINT)
            interrupted = True
        if process.poll() is not None and not ready:
            break
    code = process.wait(timeout=60)
    os.close(master)
    return code, shown.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.slow
def test_progress_only_on_a_terminal_that_can_redraw(tmp_path: Path) -> None:
    # Enough files that the run lasts well past PROGRESS_DELAY on a fast machine too.
    _many_dockerfiles(tmp_path, 800)
    args = ["check", "--format", "concise", "--jobs", "1", "."]
    code, shown = _on_a_terminal(tmp_path, args, "xterm-256color")
    assert code == 1 and "shiplint: " in shown and "/800 files" in shown
    assert shown.endswith("\r")  # the line is wiped before the report
    code, shown = _on_a_terminal(tmp_path, args, "dumb")
    assert code == 1 and "files" not in shown
    piped = shiplint(tmp_path, *args, TERM="xterm-256color")
    assert piped.returncode == 1 and piped.stderr == ""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.slow
def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    _many_dockerfiles(tmp_path, 3000)  # outlasts the progress delay by far: Ctrl-C lands mid-run
    code, shown = _on_a_terminal(
        tmp_path, ["check", "--jobs", "2", "."], "xterm-256color", interrupt_when="files"
    )
    assert code == 130, shown
    assert "shiplint: interrupted" in shown and "Traceback" not in shown


# ---------------------------------------------------------------------------- fixes


def test_combined_fixes_all_land_and_keep_the_file_valid(tmp_path: Path) -> None:
    original = (
        "version: '3.8'\n"
        "\n"
        "services:\n"
        "  web:\n"
        "    ports:\n"
        "      - 8080:80\n"
        "      - 8443:443\n"
        "    image: nginx:1.27-alpine\n"
        "    depends_on:\n"
        "      - cache\n"
        "      - api\n"
        "  api:\n"
        "    environment:\n"
        "      LOG_LEVEL: info\n"
        "    image: ghcr.io/acme/api:2.3.1\n"
        "    expose:\n"
        "      - 9000\n"
        "  cache:\n"
        "    image: redis:7.4-alpine\n"
        "volumes:\n"
        "  data: {}\n"
    )
    write_files(tmp_path, {".shiplint.toml": "", "compose.yaml": original})
    fix = shiplint(tmp_path, "check", "--select", "ALL", "--unsafe-fixes", "--fix", "compose.yaml")
    assert "would make the file worse" not in fix.stderr and "pending" not in fix.stderr
    fixed = (tmp_path / "compose.yaml").read_text(encoding="utf-8")
    assert not fixed.startswith("\n") and fixed.startswith("services:")
    after = json.loads(
        shiplint(tmp_path, "check", "--select", "ALL", "--format", "json", "compose.yaml").stdout
    )
    assert [f["code"] for f in after if f["fix"]] == []
    assert not any(f["code"].startswith("DC0") for f in after)
    data = yaml.safe_load(fixed)
    assert data["services"]["web"]["ports"] == ["127.0.0.1:8080:80", "127.0.0.1:8443:443"]
    assert set(data["services"]) == {"web", "api", "cache"} and "version" not in data
    assert all(
        service["security_opt"] == ["no-new-privileges:true"]
        for service in data["services"].values()
    )


def test_no_color_and_force_color(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plain = shiplint(project, "check", "backend")
    assert plain.returncode == 1 and "\x1b[" not in plain.stdout  # a pipe gets no colour
    forced = shiplint(project, "check", "backend", FORCE_COLOR="1")
    assert "\x1b[1m" in forced.stdout
    assert (
        "\x1b[" not in shiplint(project, "check", "backend", FORCE_COLOR="1", NO_COLOR="1").stdout
    )
    assert (
        "\x1b["
        not in shiplint(project, "check", "--format", "concise", "backend", FORCE_COLOR="1").stdout
    )  # colour is for the full format
