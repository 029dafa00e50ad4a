"""The compose ordering and no-new-privileges fixes: where they must NOT be offered, and that
an offered fix keeps the data and every byte it does not move."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import yaml
from linter.rules.dc_privileges import NoNewPrivilegesMissing
from linter.rules.dc_style import (
    ServiceKeysOrder,
    TopLevelOrder,
    UnsortedDependencies,
    UnsortedPorts,
    UnsortedServices,
)

from linter.compose.nodes import to_python
from linter.compose.project import load_project
from linter.context import ComposeContext
from linter.diagnostics import Applicability, Diagnostic
from linter.dispatch import check_rule
from linter.fixes import apply_edits
from linter.rule import Rule


def _findings(rule: type[Rule], files: Mapping[str, str]) -> list[Diagnostic]:
    def read(path: str) -> str:
        if path not in files:
            raise FileNotFoundError(path)
        return files[path]

    main, *overrides = files
    project = load_project(main, override_paths=overrides, read_file=read, validate=False)
    return check_rule(rule(), ComposeContext(project=project))


def _fixed(rule: type[Rule], text: str) -> str:
    found = [d for d in _findings(rule, {"compose.yaml": text}) if d.fix is not None]
    assert len(found) == 1, found
    fix = found[0].fix
    assert fix is not None
    return apply_edits(text, fix.edits)


NO_FIX = [
    pytest.param(
        UnsortedPorts,
        {
            "compose.yaml": (
                'services:\n  web:\n    image: nginx:1.27\n    ports: ["443:443", "80:80"]\n'
            )
        },
        id="flow sequence",
    ),
    pytest.param(
        UnsortedPorts,
        {
            "compose.yaml": (
                'services:\n  web:\n    image: nginx:1.27\n    ports: [\n      "443:443",\n'
                '      "80:80"\n    ]\n'
            )
        },
        id="multi-line flow sequence",
    ),
    pytest.param(
        UnsortedDependencies,
        {
            "compose.yaml": (
                "services:\n  web:\n    image: nginx:1.27\n    depends_on: {redis: {condition: "
                "service_started}, db: {condition: service_healthy}}\n"
                "  db:\n    image: postgres:16\n  redis:\n    image: redis:7\n"
            )
        },
        id="flow mapping",
    ),
    pytest.param(
        UnsortedServices,
        {
            "compose.yaml": (
                "x-base: &base\n  restart: always\nservices:\n  web:\n    <<: *base\n"
                "    image: nginx:1.27\n  db:\n    image: postgres:16\n"
            )
        },
        id="merge key in a service",
    ),
    pytest.param(
        UnsortedServices,
        {
            "compose.yaml": (
                "services:\n  web:\n    image: &img nginx:1.27\n  db:\n    image: postgres:16\n"
                "  cache:\n    image: *img\n"
            )
        },
        id="anchor and alias among services",
    ),
    pytest.param(
        TopLevelOrder,
        {
            "compose.yaml": (
                "volumes:\n  data:\nx-env: &env\n  TZ: UTC\nservices:\n  web:\n    image: nginx:1.27\n"
                "    environment: *env\n"
            )
        },
        id="anchored extension field",
    ),
    pytest.param(
        TopLevelOrder,
        {
            "compose.yaml": (
                "volumes:\n  data:\nservices:\n  web:\n    image: nginx:1.27\nfoo: bar\n"
            )
        },
        id="unknown top-level key has no place",
    ),
    pytest.param(
        ServiceKeysOrder,
        {
            "compose.yaml": (
                'x-base: &base\n  restart: always\nservices:\n  web:\n    ports: ["80:80"]\n'
                "    <<: *base\n    image: nginx:1.27\n"
            )
        },
        id="merged keys in the service",
    ),
    pytest.param(
        ServiceKeysOrder,
        {"compose.yaml": ('services:\n  web: {ports: ["80:80"], image: "nginx:1.27"}\n')},
        id="flow service",
    ),
    pytest.param(
        ServiceKeysOrder,
        {
            "compose.yaml": 'services:\n  web:\n    ports: ["80:80"]\n    image: nginx:1.27\n',
            "compose.override.yaml": "services:\n  web:\n    restart: always\n",
        },
        id="keys from an override file",
    ),
    pytest.param(
        ServiceKeysOrder,
        {
            "compose.yaml": (
                "services:\n  base:\n    image: alpine:3.20\n    restart: always\n  web:\n"
                '    extends: base\n    ports: ["80:80"]\n    image: nginx:1.27\n'
            )
        },
        id="keys from extends",
    ),
    pytest.param(
        UnsortedServices,
        {
            "compose.yaml": (
                "services:\n  web:\n    image: nginx:1.27\n    command: |+\n      run\n\n"
                "  db:\n    image: postgres:16\n"
            )
        },
        id="kept block scalar",
    ),
    pytest.param(
        NoNewPrivilegesMissing,
        {
            "compose.yaml": (
                'services:\n  app:\n    image: alpine:3.20\n    security_opt: ["label:disable"]\n'
            )
        },
        id="flow security_opt",
    ),
    pytest.param(
        NoNewPrivilegesMissing,
        {
            "compose.yaml": (
                "services:\n  app:\n    image: alpine:3.20\n    security_opt:\n"
                "      - no-new-privileges:false\n"
            )
        },
        id="explicitly false",
    ),
    pytest.param(
        NoNewPrivilegesMissing,
        {"compose.yaml": ('services:\n  app: {image: "alpine:3.20"}\n')},
        id="flow service mapping",
    ),
    pytest.param(
        NoNewPrivilegesMissing,
        {
            "compose.yaml": (
                "x-base: &base\n  restart: always\nservices:\n  app:\n    <<: *base\n"
                "    image: alpine:3.20\n"
            )
        },
        id="merge key in the service",
    ),
    pytest.param(
        NoNewPrivilegesMissing,
        {
            "compose.yaml": "services:\n  app:\n    image: alpine:3.20\n",
            "compose.override.yaml": "services:\n  app:\n    restart: always\n",
        },
        id="service spread over two files",
    ),
]


@pytest.mark.parametrize(("rule", "files"), NO_FIX)
def test_no_fix_when_the_layout_is_not_certain(rule: type[Rule], files: dict[str, str]) -> None:
    found = [d for d in _findings(rule, files) if d.path == "compose.yaml"]
    assert found, "the rule should still report"
    assert all(d.fix is None for d in found)


def test_one_fix_per_mapping_on_the_first_finding() -> None:
    text = (
        "services:\n  worker:\n    image: x:1\n  api:\n    image: x:1\n"
        "  cache:\n    image: redis:7\n"
    )
    found = _findings(UnsortedServices, {"compose.yaml": text})
    assert [d.fix is not None for d in found] == [True, False]


def test_crlf_is_kept() -> None:
    text = "services:\r\n  web:\r\n    image: nginx:1.27\r\n  db:\r\n    image: postgres:16\r\n"
    assert _fixed(UnsortedServices, text) == (
        "services:\r\n  db:\r\n    image: postgres:16\r\n  web:\r\n    image: nginx:1.27\r\n"
    )


def test_no_new_privileges_fix_is_unsafe() -> None:
    found = _findings(
        NoNewPrivilegesMissing, {"compose.yaml": "services:\n  app:\n    image: alpine:3.20\n"}
    )
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.UNSAFE


def test_reordering_keeps_the_data() -> None:
    text = (
        "# header\n"
        "volumes:\n  data: {}\n\n"
        "services:\n"
        "  # web\n  web:\n    restart: always\n    image: nginx:1.27\n    ports:\n"
        '      - "8443:443"\n      - "8080:80"\n'
        "  api:\n    command: >\n      serve\n      --port 80\n\n    image: api:1\n"
        "name: shop\n"
    )
    for rule in (TopLevelOrder, UnsortedServices, ServiceKeysOrder, UnsortedPorts):
        changed = text
        for _ in range(5):  # every round fixes one mapping
            found = [d for d in _findings(rule, {"compose.yaml": changed}) if d.fix]
            if not found:
                break
            fix = found[0].fix
            assert fix is not None
            changed = apply_edits(changed, fix.edits)
        assert changed != text
        assert not [d for d in _findings(rule, {"compose.yaml": changed})]
        before, after = yaml.safe_load(text), yaml.safe_load(changed)
        if rule is UnsortedPorts:
            assert sorted(before["services"]["web"]["ports"]) == sorted(
                after["services"]["web"]["ports"]
            )
            after["services"]["web"]["ports"] = before["services"]["web"]["ports"]
        assert after == before
        assert sorted(changed.splitlines()) == sorted(text.splitlines())


def test_project_reads_the_same_after_adding_the_option() -> None:
    text = 'services:\n  app:\n    image: alpine:3.20\n    command: ["sleep", "1"]\n'
    fixed = _fixed(NoNewPrivilegesMissing, text)
    project = load_project("compose.yaml", override_paths=[], text=fixed, validate=False)
    assert project.root is not None
    assert to_python(project.root) == {
        "services": {
            "app": {
                "image": "alpine:3.20",
                "command": ["sleep", "1"],
                "security_opt": ["no-new-privileges:true"],
            }
        }
    }
