"""load_project: override files, merge, services, references."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.compose.nodes import to_python
from linter.compose.project import load_project


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_single_file_project(tmp_path: Path) -> None:
    main = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    project = load_project(main, validate=False)
    assert project.path == main
    assert list(project.services) == ["web"]
    web = project.services["web"]
    assert web.key.span.start.line == 2 and web.path == main
    assert project.project_dir == str(tmp_path)
    assert project.problems == ()


def test_text_given_is_used_instead_of_reading(tmp_path: Path) -> None:
    main = str(tmp_path / "compose.yaml")  # does not exist on disk
    project = load_project(main, text="services:\n  a:\n    image: x\n", validate=False)
    assert list(project.services) == ["a"]


def test_default_override_file_is_merged(tmp_path: Path) -> None:
    main = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "compose.override.yaml", "services:\n  web:\n    user: app\n")
    project = load_project(main, validate=False)
    assert [f.path for f in project.files] == [main, str(tmp_path / "compose.override.yaml")]
    assert to_python(project.services["web"].node) == {"image": "nginx", "user": "app"}
    user = project.services["web"].node.pair("user")
    assert user is not None and user.key.path.endswith("compose.override.yaml")


def test_no_override_when_asked_or_for_other_names(tmp_path: Path) -> None:
    main = write(tmp_path, "compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "compose.override.yaml", "services:\n  web:\n    user: app\n")
    assert len(load_project(main, override_paths=[], validate=False).files) == 1
    other = write(tmp_path, "compose.prod.yaml", "services:\n  web:\n    image: nginx\n")
    assert len(load_project(other, validate=False).files) == 1


def test_relative_paths_stay_relative(tmp_path: Path, monkeypatch: object) -> None:
    import os

    write(tmp_path, "app/compose.yaml", "services:\n  web:\n    image: nginx\n")
    write(tmp_path, "app/docker-compose.override.yml", "services:\n  web:\n    user: u\n")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        project = load_project("app/compose.yaml", validate=False)
    finally:
        os.chdir(cwd)
    assert [f.path for f in project.files] == [
        "app/compose.yaml",
        os.path.join("app", "docker-compose.override.yml"),
    ]
    assert project.services["web"].path == "app/compose.yaml"
    assert project.project_dir == "app"


def test_missing_main_or_override_file_is_a_reference_problem(tmp_path: Path) -> None:
    project = load_project(str(tmp_path / "nope.yaml"), validate=False)
    assert [p.kind for p in project.problems] == ["reference"]
    main = write(tmp_path, "compose.yaml", "services: {}\n")
    project = load_project(main, override_paths=[str(tmp_path / "x.yaml")], validate=False)
    assert [p.kind for p in project.problems] == ["reference"]


def test_custom_reader(tmp_path: Path) -> None:
    files = {
        "p/compose.yaml": "services:\n  a:\n    image: x\n",
        "p/compose.override.yml": "services:\n  b:\n    image: y\n",
    }

    def read(path: str) -> str:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    project = load_project("p/compose.yaml", read_file=read, validate=False)
    assert list(project.services) == ["a", "b"]


# ---------------------------------------------------------------------------------------------
# Merge rules, interpolation, include, extends, references


def memory_reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    def read(path: str) -> str:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    return read


def merged(base: str, override: str) -> object:
    files = {"compose.yaml": base, "over.yaml": override}
    project = load_project(
        "compose.yaml", override_paths=["over.yaml"], read_file=memory_reader(files), validate=False
    )
    assert project.problems == (), project.problems
    assert project.root is not None
    return to_python(project.root)


def test_merge_mappings_scalars_and_replaced_commands() -> None:
    result = merged(
        "services:\n  a:\n    image: x\n    command: [run, a]\n    entrypoint: /a\n",
        "services:\n  a:\n    image: z\n    command: [serve]\n",
    )
    assert result == {"services": {"a": {"image": "z", "command": ["serve"], "entrypoint": "/a"}}}


def test_merge_sequences_append_unique() -> None:
    result = merged(
        "services:\n  a:\n    ports: ['80:80', '443:443']\n    dns: [1.1.1.1]\n"
        "    volumes: ['./a:/data', 'logs:/logs']\n    expose: [3000]\n",
        "services:\n  a:\n    ports: ['80:80', '8080:80']\n    dns: [1.1.1.1, 8.8.8.8]\n"
        "    volumes: ['./b:/data:ro']\n    expose: [3000, 4000]\n",
    )
    assert result == {
        "services": {
            "a": {
                "ports": ["80:80", "443:443", "8080:80"],
                "dns": ["1.1.1.1", "8.8.8.8"],
                "volumes": ["./b:/data:ro", "logs:/logs"],
                "expose": [3000, 4000],
            }
        }
    }


def test_environment_and_labels_merge_by_key_in_any_form() -> None:
    result = merged(
        "services:\n  a:\n    environment: [A=1, B=2]\n    labels: {x: '1'}\n",
        "services:\n  a:\n    environment:\n      B: 3\n      C: 4\n    labels: [y=2, x=0]\n",
    )
    assert result == {
        "services": {
            "a": {
                "environment": {"A": "1", "B": 3, "C": 4},
                "labels": {"x": "0", "y": "2"},
            }
        }
    }
    lists = merged(
        "services:\n  a:\n    environment: [A=1, B=2]\n",
        "services:\n  a:\n    environment: [B=3]\n",
    )
    assert lists == {"services": {"a": {"environment": ["A=1", "B=3"]}}}


def test_depends_on_build_and_reset_override_tags() -> None:
    result = merged(
        "services:\n  a:\n    build: ./a\n    depends_on: [db]\n    ports: ['1:1']\n"
        "    user: root\n    networks: [front]\n",
        "services:\n  a:\n    build:\n      target: prod\n    depends_on:\n      cache:\n"
        "        condition: service_started\n    ports: !override ['2:2']\n"
        "    user: !reset null\n    networks:\n      back: {}\n",
    )
    assert result == {
        "services": {
            "a": {
                "build": {"context": "./a", "target": "prod"},
                "depends_on": {"db": None, "cache": {"condition": "service_started"}},
                "ports": ["2:2"],
                "networks": {"front": None, "back": {}},
            }
        }
    }


def test_merged_values_point_into_the_file_that_wrote_them() -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    image: x\n",
        "over.yaml": "services:\n  a:\n    image: y\n",
    }
    project = load_project(
        "compose.yaml", override_paths=["over.yaml"], read_file=memory_reader(files), validate=False
    )
    service = project.services["a"]
    assert service.key.path == "compose.yaml"
    image = service.node.get("image")
    assert image is not None and image.path == "over.yaml" and image.span.start.line == 3


def test_dotenv_and_given_environment_are_used_never_os_environ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TAG", "from-os")
    files = {
        "p/compose.yaml": "services:\n  a:\n    image: app:${TAG:-none}\n    user: ${U}\n",
        "p/.env": "TAG=from-dotenv\nU=dotenv-user\n",
    }
    project = load_project("p/compose.yaml", read_file=memory_reader(files), validate=False)
    assert to_python(project.services["a"].node) == {
        "image": "app:from-dotenv",
        "user": "dotenv-user",
    }
    assert project.environment == {"TAG": "from-dotenv", "U": "dotenv-user"}
    project = load_project(
        "p/compose.yaml",
        read_file=memory_reader(files),
        validate=False,
        environment={"TAG": "given"},
    )
    assert to_python(project.services["a"].node)["image"] == "app:given"  # type: ignore[index]


def test_interpolation_problem_in_project() -> None:
    files = {"compose.yaml": "services:\n  a:\n    image: 'x:${TAG'\n"}
    project = load_project("compose.yaml", read_file=memory_reader(files), validate=False)
    assert [(p.kind, p.span.start.column) for p in project.problems] == [("interpolation", 15)]


def test_schema_problems_in_each_file(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    imgae: x\n",
        "over.yaml": "services:\n  a:\n    ports: 5\n",
    }
    project = load_project(
        "compose.yaml", override_paths=["over.yaml"], read_file=memory_reader(files)
    )
    assert [(p.kind, p.path, p.span.start.line) for p in project.problems] == [
        ("schema", "compose.yaml", 3),
        ("schema", "over.yaml", 3),
    ]


def test_include_short_and_long_form() -> None:
    files = {
        "compose.yaml": (
            "include:\n  - lib/db.yaml\n  - path: [other/base.yaml, other/extra.yaml]\n"
            "    env_file: other/vars.env\n"
            "services:\n  web:\n    image: web\n  db:\n    environment: {LOCAL: '1'}\n"
        ),
        "lib/db.yaml": "services:\n  db:\n    image: postgres:${PG:-16}\nvolumes:\n  data: {}\n",
        "lib/.env": "PG=15\n",
        "other/base.yaml": "services:\n  cache:\n    image: redis:${REDIS}\n",
        "other/extra.yaml": "services:\n  cache:\n    user: redis\n",
        "other/vars.env": "REDIS=7\n",
    }
    project = load_project("compose.yaml", read_file=memory_reader(files))
    assert project.problems == ()
    assert to_python(project.root) == {  # type: ignore[arg-type]
        "services": {
            "web": {"image": "web"},
            "db": {"environment": {"LOCAL": "1"}, "image": "postgres:15"},
            "cache": {"image": "redis:7", "user": "redis"},
        },
        "volumes": {"data": {}},
    }
    assert [f.path for f in project.files] == [
        "compose.yaml",
        "lib/db.yaml",
        "other/base.yaml",
        "other/extra.yaml",
    ]
    assert project.services["cache"].key.path == "other/base.yaml"


def test_include_cycle_and_missing_include_are_reference_problems() -> None:
    files = {
        "compose.yaml": "include: [a.yaml, missing.yaml]\nservices: {}\n",
        "a.yaml": "include: [compose.yaml]\nservices:\n  a:\n    image: a\n",
    }
    project = load_project("compose.yaml", read_file=memory_reader(files))
    kinds = sorted((p.kind, p.path, p.span.start.line) for p in project.problems)
    assert kinds == [("reference", "a.yaml", 1), ("reference", "compose.yaml", 1)]
    assert list(project.services) == ["a"]


def test_extends_same_file_and_other_file() -> None:
    files = {
        "compose.yaml": (
            "services:\n  base:\n    image: base\n    environment: [A=1]\n"
            "  web:\n    extends: base\n    environment: [B=2]\n"
            "  api:\n    extends:\n      file: common/svc.yaml\n      service: common\n"
            "    ports: ['81:80']\n"
        ),
        "common/svc.yaml": "services:\n  common:\n    extends: root\n    ports: ['80:80']\n"
        "  root:\n    image: root:${V:-1}\n",
    }
    project = load_project("compose.yaml", read_file=memory_reader(files))
    assert project.problems == ()
    assert to_python(project.services["web"].node) == {
        "image": "base",
        "environment": ["A=1", "B=2"],
    }
    assert to_python(project.services["api"].node) == {
        "image": "root:1",
        "ports": ["80:80", "81:80"],
    }
    image = project.services["api"].get("image")
    assert image is not None and image.path == "common/svc.yaml"


def test_extends_cycles_and_missing_targets() -> None:
    files = {
        "compose.yaml": (
            "services:\n  a:\n    extends: b\n    image: a\n  b:\n    extends: a\n"
            "  c:\n    extends: nope\n"
            "  d:\n    extends: {file: gone.yaml, service: x}\n"
            "  e:\n    extends: e\n"
        ),
    }
    project = load_project("compose.yaml", read_file=memory_reader(files))
    found = sorted((p.kind, p.span.start.line) for p in project.problems)
    assert [kind for kind, _ in found] == ["reference"] * len(found)
    lines = {line for _, line in found}
    assert {8, 10, 12} <= lines and (3 in lines or 6 in lines)
    assert set(project.services) == {"a", "b", "c", "d", "e"}


def test_missing_env_file_is_a_reference_problem() -> None:
    files = {
        "compose.yaml": (
            "services:\n  a:\n    image: x\n    env_file: [ok.env, missing.env]\n"
            "  b:\n    image: x\n    env_file:\n      - path: optional.env\n"
            "        required: false\n"
        ),
        "ok.env": "A=1\n",
    }
    project = load_project("compose.yaml", read_file=memory_reader(files))
    assert [(p.kind, p.span.start.line) for p in project.problems] == [("reference", 4)]
    assert "missing.env" in project.problems[0].message


def test_load_project_never_raises_on_garbage() -> None:
    for text in [
        "",
        "\x00\x01",
        "services: [",
        "a: &a [*a]",
        "services:\n  a: 5\n",
        "include: 5\n",
        "services:\n  a:\n    extends: [1]\n",
    ]:
        project = load_project(
            "compose.yaml", text=text, override_paths=[], read_file=memory_reader({})
        )
        assert isinstance(project.problems, tuple)
