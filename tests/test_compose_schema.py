"""Schema validation against the compose-spec schema shipped by check-jsonschema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from linter.compose.loader import load_compose_text
from linter.compose.schema import load_schema, validate_tree, validator
from linter.diagnostics import Span


def problems_of(text: str) -> list[tuple[int, int, str]]:
    root = load_compose_text(text, "compose.yaml").root
    assert root is not None
    return [(p.span.start.line, p.span.start.column, p.message) for p in validate_tree(root)]


def test_the_schema_is_the_2020_12_one_checked_by_jsonschema_rs() -> None:
    from linter.compose.schema import RsValidator

    assert "2020-12" in load_schema()["$schema"]
    assert isinstance(validator(), RsValidator)
    assert validator() is validator()  # cached per process


def test_valid_file_has_no_problem() -> None:
    text = (
        "name: demo\nservices:\n  web:\n    image: nginx:1.27\n    ports: ['80:80', 443]\n"
        "    environment:\n      A: '1'\n    depends_on:\n      db:\n"
        "        condition: service_healthy\n    x-custom: anything\n"
        "  db:\n    image: postgres\nvolumes:\n  data: {}\nx-top: 1\n"
    )
    assert problems_of(text) == []


def test_unknown_key_points_at_the_key() -> None:
    assert problems_of("services:\n  web:\n    imgae: nginx\n    image: x\n") == [
        (3, 5, "services.web: unknown key 'imgae'; did you mean 'image'?"),
    ]


def test_unknown_top_level_key() -> None:
    assert problems_of("services: {}\nbogus: 1\n") == [(2, 1, "unknown top-level key 'bogus'")]


def test_wrong_type_points_at_the_value_and_does_not_hide_known_keys() -> None:
    found = problems_of("services:\n  web:\n    image: 5\n    ports:\n      - [1]\n")
    assert found == [
        (3, 12, "services.web.image: 5 is not of type string"),
        (5, 9, "services.web.ports[0]: [1] is not of type number or string or object"),
    ] or [line for line, _, _ in found] == [3, 5]
    assert all("unknown key" not in message for _, _, message in found)


def test_one_of_reports_the_branch_that_fits() -> None:
    found = problems_of(
        "services:\n  web:\n    image: x\n    build:\n      contextt: .\n"
        "    depends_on:\n      db:\n        condition: started\n"
    )
    assert found == [
        (5, 7, "services.web.build: unknown key 'contextt'; did you mean 'context'?"),
        (
            8,
            20,
            "services.web.depends_on.db.condition: 'started' is not one of "
            "['service_started', 'service_healthy', 'service_completed_successfully']",
        ),
    ]


def test_invalid_service_name() -> None:
    found = problems_of("services:\n  bad name:\n    image: x\n")
    assert len(found) == 1 and found[0][:2] == (2, 3) and "bad name" in found[0][2]


def test_section_of_wrong_type() -> None:
    assert problems_of("services: {}\nvolumes: []\n") == [
        (2, 10, "volumes: [] is not of type object"),
    ]


def test_spans_are_in_the_file_that_wrote_the_value() -> None:
    root = load_compose_text("services:\n  a:\n    image: [x]\n", "sub/c.yaml").root
    assert root is not None
    (problem,) = validate_tree(root)
    assert problem.path == "sub/c.yaml" and problem.span == Span.of(3, 12, 3, 15)


def test_many_services_validate_cleanly() -> None:
    # Timing is measured by hand (DESIGN: no timed tests); here only the result.
    service = (
        "  s{i}:\n    image: nginx\n    ports: ['80{i:02d}:80']\n"
        "    environment:\n      A: '1'\n    restart: always\n"
    )
    root = load_compose_text(
        "services:\n" + "".join(service.format(i=i) for i in range(50)), "c.yaml"
    ).root
    assert root is not None
    assert validate_tree(root) == []


def test_jsonschema_is_not_imported_by_the_loader() -> None:
    code = (
        "import sys; import linter.compose.loader, linter.compose.project; "
        "print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_jsonschema_is_not_imported_by_a_compose_check(tmp_path: Path) -> None:
    # An invalid file, so that the schema is validated and its errors are reported.
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: 5\n    imgae: x\n    ports: [[1]]\n", "utf-8"
    )
    code = (
        "import sys\n"
        "from linter.cli import main\n"
        "code = main(['check', '--format', 'json', 'compose.yaml'])\n"
        "print('MODULES', 'jsonschema' in sys.modules, code, file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert "MODULES False 1" in out.stderr, out.stderr
    assert "unknown key 'imgae'" in out.stdout and "DC" in out.stdout


def test_repeated_list_items_point_at_the_repeat() -> None:
    from linter.compose.loader import load_compose_text
    from linter.compose.schema import validate_tree

    text = (
        "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
        "      - TZ=UTC\n      - A=1\n      - TZ=UTC\n"
    )
    root = load_compose_text(text, "compose.yaml").root
    assert root is not None
    problems = validate_tree(root)
    assert [(p.span.start.line, p.message) for p in problems] == [
        (7, "services.web.environment: 'TZ=UTC' is listed twice")
    ]
