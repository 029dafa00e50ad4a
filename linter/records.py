"""Value classes that cost almost nothing to define: ``@record`` instead of ``@dataclass``.

``shiplint check Dockerfile`` runs on every commit, so its start-up is part of the product.
``dataclasses`` compiles six or seven generated methods for every frozen slotted class
(about 1.4 ms per class on Python 3.11 here); with ~80 of them on the import path that was a
third of the cold start (``benchmarks/bench_records.py`` measures both). ``record`` builds the
same kind of class, frozen (by default), slotted, compared and hashed by its fields, from shared
closure-made methods. Its ``__init__`` fills the fields in a loop; a class made once per word,
line or YAML node says ``@record(compiled=True)`` and gets an ``__init__`` compiled from source
on its first instance, as fast as a dataclass's.

Type checkers see it as a dataclass (``dataclass_transform``); ``replace()`` is
``dataclasses.replace`` for records; instances pickle (``--jobs`` sends them between processes).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda function: function


T = TypeVar("T")
_MISSING: Any = object()
_FIELDS = "__record_fields__"
_set = object.__setattr__


class FrozenRecordError(AttributeError):
    """Raised on an attempt to change a field of a frozen record."""


class _Field:
    __slots__ = ("compare", "default", "default_factory", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, repr: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr


@overload
def field(*, default: T, compare: bool = True, repr: bool = True) -> T: ...


@overload
def field(*, default_factory: Callable[[], T], compare: bool = True, repr: bool = True) -> T: ...


def field(
    *,
    default: Any = _MISSING,
    default_factory: Any = _MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default built per instance, or left out of comparison or repr."""
    return _Field(default, default_factory, compare, repr)


class _Spec:
    """What ``record`` knows of one field."""

    __slots__ = ("compare", "default", "factory", "name", "repr")

    def __init__(self, name: str, default: Any, factory: Any, compare: bool, repr: bool) -> None:
        self.name = name
        self.default = default
        self.factory = factory
        self.compare = compare
        self.repr = repr


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(
    *, frozen: bool = True, order: bool = False, compiled: bool = False
) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(
    cls: type[T] | None = None,
    /,
    *,
    frozen: bool = True,
    order: bool = False,
    compiled: bool = False,
) -> type[T] | Callable[[type[T]], type[T]]:
    """Turn a class with annotated fields into a slotted value class (frozen by default).

    ``compiled=True`` is for the classes a run makes thousands of (positions, spans, words,
    YAML nodes): their ``__init__`` is compiled on the first instance.
    """

    def wrap(target: type[T]) -> type[T]:
        return _build(target, frozen=frozen, order=order, compiled=compiled)

    return wrap if cls is None else wrap(cls)


def replace(instance: T, /, **changes: Any) -> T:
    """A copy of a record with some fields changed."""
    specs: tuple[_Spec, ...] = getattr(instance, _FIELDS)
    unknown = set(changes) - {spec.name for spec in specs}
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {sorted(unknown)[0]!r}")
    values = {spec.name: changes.get(spec.name, getattr(instance, spec.name)) for spec in specs}
    return type(instance)(**values)


def _own_annotations(cls: type) -> dict[str, Any]:
    found: dict[str, Any] | None = cls.__dict__.get("__annotations__")  # noqa: RUF063
    if found is None:  # Python 3.14 computes them on first access
        import inspect

        found = inspect.get_annotations(cls)
    return found


def _own_specs(cls: type) -> list[_Spec]:
    specs = []
    for name, annotation in _own_annotations(cls).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Field):
            specs.append(
                _Spec(name, value.default, value.default_factory, value.compare, value.repr)
            )
        else:
            specs.append(_Spec(name, value, _MISSING, True, True))
    return specs


def _build(cls: type[T], *, frozen: bool, order: bool, compiled: bool) -> type[T]:
    inherited: list[_Spec] = []
    for base in reversed(cls.__mro__[1:]):
        inherited.extend(getattr(base, _FIELDS, ()))
    own = _own_specs(cls)
    specs = tuple({spec.name: spec for spec in [*inherited, *own]}.values())
    dropped = {spec.name for spec in own} | {"__dict__", "__weakref__"}
    namespace = {key: value for key, value in cls.__dict__.items() if key not in dropped}
    namespace["__slots__"] = tuple(spec.name for spec in own)
    namespace[_FIELDS] = specs
    namespace["__match_args__"] = tuple(spec.name for spec in specs)
    _check_defaults(cls.__name__, specs)
    methods = _methods(cls.__name__, specs, frozen=frozen, order=order)
    for name, method in methods.items():
        if name not in cls.__dict__:
            namespace[name] = method
    metaclass: type = type(cls)
    built = cast("type[T]", metaclass(cls.__name__, cls.__bases__, namespace))
    built.__qualname__ = cls.__qualname__
    if "__init__" not in cls.__dict__:
        make_init = _compile_on_first_call if compiled else _loop_init
        type.__setattr__(built, "__init__", make_init(built, specs, frozen=frozen))
    return built


def _check_defaults(name: str, specs: tuple[_Spec, ...]) -> None:
    defaulted = False
    for spec in specs:
        if spec.default is not _MISSING or spec.factory is not _MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(
                f"{name}: field {spec.name!r} without a default follows one with a default"
            )


def _compile_on_first_call(
    cls: type, specs: tuple[_Spec, ...], *, frozen: bool
) -> Callable[..., None]:
    """An ``__init__`` that puts the compiled one on the class, then runs it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled = _init(cls, specs, frozen=frozen)
        type.__setattr__(cls, "__init__", compiled)
        compiled(self, *args, **kwargs)

    return __init__


def _loop_init(cls: type, specs: tuple[_Spec, ...], *, frozen: bool) -> Callable[..., None]:
    """An ``__init__`` that fills the fields in a loop: nothing to compile, for the classes
    a run makes a few of."""
    name = cls.__name__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(specs):
            raise TypeError(
                f"{name}() takes {len(specs)} positional arguments but {len(args)} were given"
            )
        for spec, value in zip(specs, args, strict=False):
            _set(self, spec.name, value)
        for spec in specs[len(args) :]:
            if spec.name in kwargs:
                value = kwargs.pop(spec.name)
            elif spec.factory is not _MISSING:
                value = spec.factory()
            elif spec.default is not _MISSING:
                value = spec.default
            else:
                raise TypeError(f"{name}() missing required argument: {spec.name!r}")
            _set(self, spec.name, value)
        if kwargs:
            raise TypeError(f"{name}() got an unexpected keyword argument {next(iter(kwargs))!r}")

    return __init__


def _methods(name: str, specs: tuple[_Spec, ...], *, frozen: bool, order: bool) -> dict[str, Any]:
    compared = [spec.name for spec in specs if spec.compare]
    key = _key(compared)
    shown = [spec.name for spec in specs if spec.repr]
    methods: dict[str, Any] = {
        "__repr__": _repr(shown),
        "__eq__": _comparison(key, lambda a, b: a == b),
        "__reduce__": _reduce(tuple(spec.name for spec in specs)),
    }
    if frozen:
        methods["__hash__"] = lambda self: hash(key(self))
        methods["__setattr__"] = _refuse
        methods["__delattr__"] = _refuse
    else:
        methods["__hash__"] = None
    if order:
        methods["__lt__"] = _comparison(key, lambda a, b: a < b)
        methods["__le__"] = _comparison(key, lambda a, b: a <= b)
        methods["__gt__"] = _comparison(key, lambda a, b: a > b)
        methods["__ge__"] = _comparison(key, lambda a, b: a >= b)
    return methods


def _key(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of compared field values (attrgetter returns a bare value for one name)."""
    if len(names) > 1:
        return attrgetter(*names)
    get = attrgetter(*names) if names else (lambda _: None)
    return lambda obj: (get(obj),)


def _init(cls: type, specs: tuple[_Spec, ...], *, frozen: bool) -> Callable[..., None]:
    """``__init__`` compiled from a few lines, so that creating an instance stays cheap.

    A frozen record sets its fields through their slot descriptors rather than through
    ``object.__setattr__``, which looks the descriptor up again on every call.
    """
    parameters = []
    body = []
    scope: dict[str, Any] = {"_MISSING": _MISSING}
    for index, spec in enumerate(specs):
        if spec.factory is not _MISSING:
            scope[f"_factory{index}"] = spec.factory
            parameters.append(f"{spec.name}=_MISSING")
            value = f"_factory{index}() if {spec.name} is _MISSING else {spec.name}"
        elif spec.default is not _MISSING:
            scope[f"_default{index}"] = spec.default
            parameters.append(f"{spec.name}=_default{index}")
            value = spec.name
        else:
            parameters.append(spec.name)
            value = spec.name
        if frozen:
            scope[f"_set{index}"] = _slot(cls, spec.name).__set__
            body.append(f"    _set{index}(self, {value})")
        else:
            body.append(f"    self.{spec.name} = {value}")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(body) or "    pass")
    exec(source, scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__name__}.__init__"
    return init


def _slot(cls: type, name: str) -> Any:
    """The slot descriptor of field ``name`` (defined by ``cls`` or by a record it extends)."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise AttributeError(f"{cls.__name__} has no slot {name!r}")


def _repr(names: list[str]) -> Callable[[Any], str]:
    def __repr__(self: Any) -> str:
        fields = ", ".join(f"{field}={getattr(self, field)!r}" for field in names)
        return f"{type(self).__qualname__}({fields})"

    return __repr__


def _comparison(
    key: Callable[[Any], tuple[Any, ...]], test: Callable[[Any, Any], bool]
) -> Callable[[Any, Any], Any]:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return test(key(self), key(other))

    return compare


def _reduce(names: tuple[str, ...]) -> Callable[[Any], Any]:
    def __reduce__(self: Any) -> Any:
        return type(self), tuple(getattr(self, name) for name in names)

    return __reduce__


def _refuse(self: Any, name: str, *_: Any) -> None:
    raise FrozenRecordError(f"cannot change field {name!r} of a frozen {type(self).__name__}")
