"""Why ``linter.records`` exists: what defining and instantiating value classes costs.

shiplint defines about 80 value classes on the path of ``shiplint check Dockerfile``. This
measures, on this machine and Python:

- defining a class: a frozen slotted ``@dataclass`` against ``@record``;
- making instances: a dataclass, a record with the loop ``__init__``, and a record with
  ``compiled=True`` (the setting of the classes a run makes thousands of).

Usage: python benchmarks/bench_records.py [--classes 80] [--instances 100000]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Callable
from typing import Any

from linter.records import record


def _class_body(index: int) -> dict[str, Any]:
    return {
        "__annotations__": {"path": "str", "line": "int", "column": "int", "note": "str"},
        "note": "",
        "__module__": __name__,
        "__qualname__": f"Value{index}",
    }


def define_dataclasses(count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        cls = type(f"Value{index}", (), _class_body(index))
        dataclasses.dataclass(frozen=True, slots=True)(cls)
    return time.perf_counter() - start


def define_records(count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        record(type(f"Value{index}", (), _class_body(index)))
    return time.perf_counter() - start


def _instances(factory: Callable[..., object], count: int) -> float:
    factory("a", 1, 2)  # a compiled record compiles here
    start = time.perf_counter()
    for number in range(count):
        factory("a", number, 2)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=80)
    parser.add_argument("--instances", type=int, default=100_000)
    args = parser.parse_args(argv)

    dataclass_seconds = min(define_dataclasses(args.classes) for _ in range(3))
    record_seconds = min(define_records(args.classes) for _ in range(3))
    print(
        f"define {args.classes} classes: dataclass {dataclass_seconds * 1000:.1f} ms, "
        f"record {record_seconds * 1000:.1f} ms "
        f"(saves {(dataclass_seconds - record_seconds) * 1000:.1f} ms per run)"
    )

    factories: dict[str, Callable[..., object]] = {
        "dataclass": dataclasses.dataclass(frozen=True, slots=True)(type("D", (), _class_body(0))),
        "record (loop __init__)": record(type("L", (), _class_body(1))),
        "record (compiled=True)": record(compiled=True)(type("C", (), _class_body(2))),
    }
    for label, factory in factories.items():
        seconds = min(_instances(factory, args.instances) for _ in range(3))
        print(
            f"{args.instances} instances, {label}: {seconds * 1000:.1f} ms "
            f"({seconds / args.instances * 1e9:.0f} ns each)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
