"""The compose rules that read the Dockerfiles a service builds (``rules/dc_crossfile.py``)."""

from __future__ import annotations

from pathlib import Path

from compose_rule_run import check_files
from linter.rules import dc_crossfile


def test_cross_file_secret_id_defaults_to_target_name(tmp_path: Path) -> None:
    files = {
        "compose.yaml": (
            "services:\n  api:\n    build:\n      context: .\n"
            "      secrets: [netrc]\nsecrets:\n  netrc:\n    file: ./n\n"
        ),
        "Dockerfile": "FROM alpine:3.20\nRUN --mount=type=secret,target=/root/netrc true\n",
    }
    assert check_files(dc_crossfile.BuildSecretUnused, tmp_path, files) == []
    assert check_files(dc_crossfile.BuildSecretNotProvided, tmp_path, files) == []


def test_required_arg_ignores_unbuilt_stage_and_global_default(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  api:\n    build:\n      context: .\n      target: app\n",
        "Dockerfile": (
            "ARG VERSION=1.0\nFROM alpine:3.20 AS test\nARG TEST_ONLY\n"
            "FROM alpine:3.20 AS app\nARG VERSION\nARG NEEDED\n"
        ),
    }
    found = check_files(dc_crossfile.RequiredBuildArgMissing, tmp_path, files)
    assert [d.message.split("build arg ")[1].split(",")[0] for d in found] == ["NEEDED"]
