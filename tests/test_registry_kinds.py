"""Rules are loaded per kind of file: a Dockerfile run never imports the compose pack, and
anything that needs the other rules (a code in the config, a compose file) loads them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from linter import Rule, hookimpl
from linter.registry import KINDS, load_registry

PROBE = """
import json, sys
from linter.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules
                if m.startswith(("linter.rules.dc", "linter.compose", "jsonschema")))
print(json.dumps({"code": code, "loaded": loaded, "modules": sorted(sys.modules)}))
"""

# What the start-up of a Dockerfile run must not pay for (each was measured at 2-150 ms):
# the compose stack, the language server, dataclasses' per-class compile, and standard
# modules that only some options need.
NOT_ON_THE_DOCKERFILE_PATH = (
    "dataclasses",
    "jsonschema",
    "ruamel.yaml",
    "yaml",
    "pygls",
    "shutil",
    "importlib.resources",
    "importlib.metadata",
    "tempfile",
    "subprocess",
    "multiprocessing",
    "concurrent.futures",
    "difflib",
    "pkgutil",
    "traceback",
    "zipfile",
    "email",
    "tree_sitter_bash",
)


def _probe(cwd: Path, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    last: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return last


def _project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / ".shiplint.toml").write_text(config, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(
        'FROM alpine:latest\nMAINTAINER me\nRUN apk add curl\nCMD ["sh"]\n', encoding="utf-8"
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    privileged: true\n", encoding="utf-8"
    )
    return tmp_path


def test_a_dockerfile_run_imports_no_compose_code(tmp_path: Path) -> None:
    result = _probe(_project(tmp_path), "check", "--format", "concise", "Dockerfile")
    assert result["code"] == 1 and result["loaded"] == []
    modules = set(result["modules"])  # type: ignore[arg-type]
    assert {"linter.rules.df_shell", "tree_sitter", "json"} <= modules  # a real run: RUN parsed
    assert not modules & set(NOT_ON_THE_DOCKERFILE_PATH)


def test_a_compose_code_in_the_config_loads_the_compose_rules(tmp_path: Path) -> None:
    project = _project(tmp_path, 'ignore = ["DC301", "no-version-field"]\n')
    result = _probe(project, "check", "--format", "concise", "Dockerfile")
    assert result["code"] == 1
    assert "linter.rules.dc_mounts" in result["loaded"]  # type: ignore[operator]


def test_an_unknown_code_is_still_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path, 'ignore = ["DC999"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "linter", "check", "Dockerfile"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "DC999" in done.stderr


def test_a_folder_run_lints_both_kinds(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--format", "json", "."],
        cwd=_project(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    codes = {finding["code"] for finding in json.loads(done.stdout)}
    assert any(code.startswith("DF") for code in codes)
    assert any(code.startswith("DC") for code in codes), codes


class _AnyKind(Rule):
    code = "DF991"
    name = "example-any-kind"
    tags = ("best-practice",)
    summary = "An example rule of a plugin that ignores ``kinds``"
    description = "Test only."
    bad = "FROM alpine:3.20\n"
    good = "FROM alpine:3.20\n"

    def check(self, context: object):  # type: ignore[no-untyped-def]
        return iter(())


class _IgnoresKinds:
    """A third-party pack written before ``kinds`` existed: it returns its rules every time."""

    @hookimpl
    def shiplint_rules(self) -> Sequence[Rule]:
        from linter import Severity, Target

        rule = _AnyKind()
        rule.severity = Severity.INFO  # type: ignore[misc]
        rule.target = Target.DOCKERFILE  # type: ignore[misc]
        return [rule]


def test_completing_a_registry_does_not_duplicate_a_plugins_rules() -> None:
    registry = load_registry([("ignores-kinds", _IgnoresKinds())], kinds={"dockerfile"})
    assert registry.kinds == {"dockerfile"}
    assert "DF991" in registry.rules and not any(c.startswith("DC") for c in registry.rules)
    generation = registry.generation
    assert registry.resolve("no-version-field") is not None  # completes the registry
    assert registry.kinds == KINDS and registry.generation > generation
    assert list(registry.rules).count("DF991") == 1
    assert registry.owners["DF991"] == "ignores-kinds"
