"""``@record``, the dataclass stand-in of the start-up path, acts as a frozen slotted dataclass."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from linter.records import FrozenRecordError, field, record, replace


@record(order=True)
class Point:
    line: int
    column: int


@record
class Base:
    path: str
    size: int = 0


@record
class Child(Base):
    """A record that inherits fields."""

    note: str = "n"
    cache: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def label(self) -> str:
        return f"{self.path}:{self.note}"


@record(frozen=False)
class Counter:
    count: int
    seen: list[str] = field(default_factory=list)


def test_fields_equality_hash_and_repr() -> None:
    assert Point(1, 2) == Point(line=1, column=2)
    assert Point(1, 2) != Point(1, 3)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert repr(Point(1, 2)) == "Point(line=1, column=2)"
    assert Point(1, 2) != (1, 2)  # not a tuple: other types never compare equal


def test_order() -> None:
    points = [Point(2, 1), Point(1, 5), Point(1, 2)]
    assert sorted(points) == [Point(1, 2), Point(1, 5), Point(2, 1)]
    assert Point(1, 2) <= Point(1, 2) < Point(1, 3)
    with pytest.raises(TypeError):
        _ = Base("a") < Base("b")  # order is opt-in


def test_frozen_and_slotted() -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenRecordError):
        point.line = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del point.column  # type: ignore[misc]
    assert not hasattr(point, "__dict__")
    with pytest.raises(AttributeError):
        point.other = 1  # type: ignore[attr-defined]


def test_inherited_fields_defaults_and_factories() -> None:
    child = Child("p", 3)
    assert (child.path, child.size, child.note, child.cache) == ("p", 3, "n", {})
    assert Child("p").cache is not Child("p").cache
    assert child == Child("p", 3, cache={"ignored": 1})  # compare=False
    assert "cache" not in repr(child)
    assert child.label() == "p:n"
    assert Child.__match_args__ == ("path", "size", "note", "cache")
    with pytest.raises(TypeError):
        Child()  # type: ignore[call-arg]


def test_replace_copies_and_checks_names() -> None:
    child = Child("p", 3, "x")
    changed = replace(child, note="y")
    assert changed == Child("p", 3, "y") and child.note == "x"
    with pytest.raises(TypeError, match="no field 'nope'"):
        replace(child, nope=1)


def test_mutable_records_are_unhashable() -> None:
    counter = Counter(1)
    counter.count += 1
    counter.seen.append("a")
    assert counter == Counter(2, ["a"])
    with pytest.raises(TypeError):
        hash(counter)


def test_pickle_round_trip() -> None:
    for value in (Point(1, 2), Child("p", 1, "z", {"k": 2}), Counter(3, ["a"])):
        copy = pickle.loads(pickle.dumps(value))
        assert copy == value and type(copy) is type(value)


def test_a_field_without_default_after_one_with_is_an_error() -> None:
    with pytest.raises(TypeError, match="without a default"):

        @record
        class Wrong:
            first: int = 0
            second: int


def _check_init(cls: Any) -> None:
    """The same construction rules whichever ``__init__`` a record has."""
    made = [cls(1), cls(value=1), cls(1, "o", []), cls(1, items=[])]
    assert all(item == cls(1) for item in made) and made[0].items is not made[1].items
    with pytest.raises(TypeError, match=r"missing (required argument: 'value'|1 required)"):
        cls()
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        cls(1, nope=2)
    with pytest.raises(TypeError, match=r"(unexpected keyword|multiple values for) argument"):
        cls(1, value=2)
    with pytest.raises(TypeError, match=r"positional arguments but [45]"):
        cls(1, "a", [], 3)


def test_init_fills_fields_in_a_loop_and_stays_so() -> None:
    @record
    class Plain:
        value: int
        other: str = "o"
        items: list[int] = field(default_factory=list)

    loop = Plain.__dict__["__init__"]
    _check_init(Plain)
    for number in range(200):
        assert Plain(number).value == number
    assert Plain.__dict__["__init__"] is loop  # never compiled


def test_compiled_records_compile_init_on_the_first_instance() -> None:
    @record(compiled=True)
    class Hot:
        value: int
        other: str = "o"
        items: list[int] = field(default_factory=list)

    first = Hot.__dict__["__init__"]
    assert Hot(7, items=[1]) == Hot(7, "o", [1])
    compiled = Hot.__dict__["__init__"]
    assert compiled is not first and compiled.__qualname__ == "Hot.__init__"
    _check_init(Hot)
    assert Hot.__dict__["__init__"] is compiled


@record(compiled=True)
class HotChild(Base):
    """A compiled record that inherits fields."""

    note: str = "n"
    cache: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


def test_compiled_init_sets_inherited_fields() -> None:
    made = [HotChild(f"p{number}", number) for number in range(3)]
    assert HotChild.__dict__["__init__"].__qualname__ == "HotChild.__init__"  # the compiled one
    assert made[-1] == HotChild("p2", 2)
    assert (made[-1].path, made[-1].note, made[-1].cache) == ("p2", "n", {})
    with pytest.raises(FrozenRecordError):
        made[-1].path = "x"  # type: ignore[misc]
