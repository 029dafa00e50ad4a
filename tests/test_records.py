"""``@record``, the dataclass stand-in of the start-up path, acts as a frozen slotted dataclass."""

from __future__ import annotations

import pickle

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


def test_init_fills_fields_in_a_loop_then_compiles_for_busy_classes() -> None:
    from linter import records

    @record
    class Lazy:
        value: int
        other: str = "o"
        items: list[int] = field(default_factory=list)

    stub = Lazy.__dict__["__init__"]
    made = [Lazy(1), Lazy(value=1), Lazy(1, "o", []), Lazy(1, items=[])]
    assert all(item == Lazy(1) for item in made) and made[0].items is not made[1].items
    with pytest.raises(TypeError, match="missing required argument: 'value'"):
        Lazy()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        Lazy(1, nope=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'value'"):
        Lazy(1, value=2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 3 positional arguments but 4"):
        Lazy(1, "a", [], 3)  # type: ignore[call-arg]
    assert Lazy.__dict__["__init__"] is stub
    for number in range(records._COMPILE_AFTER):
        assert Lazy(number).value == number
    compiled = Lazy.__dict__["__init__"]
    assert compiled is not stub  # busy: the compiled one replaced the loop
    assert Lazy(7, items=[1]) == Lazy(7, "o", [1]) and Lazy(3).items == []
    with pytest.raises(TypeError):
        Lazy()  # type: ignore[call-arg]
    assert Lazy.__dict__["__init__"] is compiled


def test_compiled_init_sets_inherited_fields() -> None:
    from linter import records

    made = [Child(f"p{number}", number) for number in range(records._COMPILE_AFTER + 5)]
    assert Child.__dict__["__init__"].__qualname__ == "Child.__init__"  # the compiled one
    assert made[-1] == Child(f"p{len(made) - 1}", len(made) - 1)
    assert (made[-1].path, made[-1].note, made[-1].cache) == (f"p{len(made) - 1}", "n", {})
    with pytest.raises(FrozenRecordError):
        made[-1].path = "x"  # type: ignore[misc]
