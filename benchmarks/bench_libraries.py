"""Why shiplint reads Dockerfiles and YAML itself: the specified libraries measured on real files.

shiplint was specified with dockerfile-parse and ruamel.yaml. This script measures, on a corpus
of other people's files, what each would get wrong or cost if it ran in the linter:

- dockerfile-parse: instructions whose line range differs from shiplint's lexer (which the
  test suite holds to BuildKit's own parser), and the variable-substitution forms it gets right;
- ruamel.yaml: its round trip (load, dump) against the file it read, and its speed against
  pyyaml's C composer, which shiplint uses.

Usage: python benchmarks/bench_libraries.py CORPUS_DIR  (needs the test extra installed)
"""

from __future__ import annotations

import argparse
import difflib
import io
import sys
import time
from pathlib import Path

import yaml

from linter.dockerfile.parser import parse_dockerfile

DOCKERFILE_GLOBS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile")
COMPOSE_GLOBS = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")

# Each form with the value BuildKit gives it when A=val and U is unset.
SUBSTITUTION_FORMS = {
    "$A": "val",
    "${A}": "val",
    "x${A}y": "xvaly",
    "$A/b": "val/b",
    "${A}_$A": "val_val",
    "\\$A": "$A",
    "${U:-d}": "d",
    "${A:-d}": "val",
    "${U-d}": "d",
    "${A:+s}": "s",
    "${U:+s}": "",
    "${A+s}": "s",
    "${A#v}": "al",
    "${A##*a}": "l",
    "${A%l}": "va",
    "${A%%a*}": "v",
    "${A/a/o}": "vol",
    "${A//a/o}": "vol",
}


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    found = {path for pattern in patterns for path in root.rglob(pattern) if path.is_file()}
    return sorted(path for path in found if ".template" not in path.name)


def dockerfile_parse_lines(root: Path) -> tuple[int, int, int]:
    """(files, instructions, instructions whose line range dockerfile-parse gets right)."""
    from dockerfile_parse import DockerfileParser

    files = instructions = agreed = 0
    for path in _files(root, DOCKERFILE_GLOBS):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        ours = [
            (instruction.span.start.line, instruction.span.end.line)
            for stage in parse_dockerfile(text).stages
            for instruction in stage.instructions
        ]
        try:
            parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
            theirs = {(item["startline"] + 1, item["endline"] + 1) for item in parser.structure}
        except Exception:  # a library failure is what is being measured
            theirs = set()
        files += 1
        instructions += len(ours)
        agreed += sum(1 for lines in ours if lines in theirs)
    return files, instructions, agreed


def dockerfile_parse_substitution() -> tuple[int, int]:
    """(forms, forms dockerfile-parse substitutes as BuildKit does)."""
    from dockerfile_parse import DockerfileParser

    right = 0
    for form, expected in SUBSTITUTION_FORMS.items():
        text = f"FROM scratch\nENV A=val\nENV B={form}\n"
        parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
        right += parser.envs.get("B") == expected
    return len(SUBSTITUTION_FORMS), right


# Indentation styles seen in compose files: (mapping, sequence, offset of the dash).
_INDENTS = ((2, 2, 0), (2, 4, 2), (4, 4, 0), (4, 6, 2))


def _round_trip_changes(text: str) -> int | None:
    """Lines a ruamel round trip changes, with the indentation style that changes fewest
    (as a fixer would choose it); None when ruamel cannot read the file."""
    from ruamel.yaml import YAML

    fewest: int | None = None
    for mapping, sequence, offset in _INDENTS:
        round_trip = YAML(typ="rt")
        round_trip.preserve_quotes = True
        round_trip.width = 4096
        round_trip.indent(mapping=mapping, sequence=sequence, offset=offset)
        try:
            out = io.StringIO()
            round_trip.dump(round_trip.load(text), out)
        except Exception:  # files ruamel cannot read are left out
            return None
        before, after = text.splitlines(), out.getvalue().splitlines()
        changed = sum(1 for line in difflib.ndiff(before, after) if line[:1] in "+-")
        fewest = changed if fewest is None else min(fewest, changed)
    return fewest


def ruamel_round_trip(root: Path) -> tuple[int, int, float, float]:
    """(files, files whose round trip changes a line, ruamel seconds, pyyaml C seconds)."""
    from ruamel.yaml import YAML

    files = changed = 0
    ruamel_seconds = pyyaml_seconds = 0.0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in _files(root, COMPOSE_GLOBS):
        try:
            text = path.read_text(encoding="utf-8")
            start = time.perf_counter()
            yaml.compose(text, Loader=loader)
            pyyaml_seconds += time.perf_counter() - start
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        changes = _round_trip_changes(text)
        if changes is None:
            continue
        start = time.perf_counter()
        YAML(typ="rt").load(text)
        ruamel_seconds += time.perf_counter() - start
        files += 1
        changed += changes > 0
    return files, changed, ruamel_seconds, pyyaml_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args(argv)
    files, instructions, agreed = dockerfile_parse_lines(args.corpus)
    print(
        f"dockerfile-parse: {agreed}/{instructions} instruction line ranges agree "
        f"with shiplint's lexer ({files} Dockerfiles)"
    )
    forms, right = dockerfile_parse_substitution()
    print(f"dockerfile-parse: {right}/{forms} variable substitution forms right")
    files, changed, ruamel_seconds, pyyaml_seconds = ruamel_round_trip(args.corpus)
    share = 100 * changed / files if files else 0.0
    ratio = ruamel_seconds / pyyaml_seconds if pyyaml_seconds else 0.0
    print(
        f"ruamel.yaml: round trip changes {changed}/{files} compose files ({share:.0f}%); "
        f"loading {ruamel_seconds:.2f} s vs pyyaml C compose {pyyaml_seconds:.2f} s "
        f"({ratio:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
