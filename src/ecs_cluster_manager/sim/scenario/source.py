"""Input files validated against a pydantic schema, with errors that point into the file.

A YAML file is read once into plain data and a map from each key's path to its line and column,
so a validation error becomes one line: `FILE:LINE:COLUMN: key.path: what is wrong`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ecs_cluster_manager.errors import UserError

Location = tuple[int, int]  # 1-based line and column
Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class InputFileError(UserError):
    """An input file is missing, is not YAML, or does not match its schema."""


class ValueErrorAt(ValueError):
    """A validator's error about a key below the one being validated (a model validator that
    checks one entry of a mapping raises this so the error points at that entry)."""

    def __init__(self, key: Path_, message: str) -> None:
        super().__init__(message)
        self.key = key


class Source:
    """A YAML document and where each of its keys and items sits in the file."""

    def __init__(self, path: Path, data: Any, positions: dict[Path_, Location]) -> None:
        self.path = path
        self.data = data
        self.positions = positions

    def where(self, key: Path_) -> Location:
        """The position of `key`, or of its nearest enclosing key the file has."""
        for end in range(len(key), -1, -1):
            if key[:end] in self.positions:
                return self.positions[key[:end]]
        return (1, 1)

    def error(self, key: Path_, message: str) -> InputFileError:
        line, column = self.where(key)
        label = f"{dotted(key)}: " if key else ""
        return InputFileError(f"{self.path}:{line}:{column}: {label}{message}")

    def validate(self, model: type[M]) -> M:
        try:
            return model.model_validate(self.data)
        except ValidationError as error:
            raise self._explain(model, error) from None

    def _explain(self, model: type[BaseModel], error: ValidationError) -> InputFileError:
        # Of a union's alternatives, the error that reaches deepest into the file is the one
        # about what the author meant; at equal depth, one whose type fits the value (a
        # validator's own message) says more than "should be an integer".
        errors = error.errors()
        best = max(self._rank(e) for e in errors)
        chosen = [e for e in errors if self._rank(e) == best]
        first = chosen[0]
        key = self._in_document(first["loc"], first["type"])[0]
        raised = (first.get("ctx") or {}).get("error")
        if isinstance(raised, ValueErrorAt):
            return self.error((*key, *raised.key), str(raised))
        kind = first["type"]
        if kind == "extra_forbidden":
            allowed = allowed_keys(model, key[:-1])
            close = difflib.get_close_matches(str(key[-1]), allowed, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            return self.error(key, f"unknown key; {hint}allowed here: {', '.join(allowed)}")
        if kind == "missing":
            return self.error(key, "required key is missing")
        # Alternatives of a union that fail equally well are all worth naming.
        messages = list(dict.fromkeys(_message(e) for e in chosen))
        message = "; or ".join([messages[0], *(m[:1].lower() + m[1:] for m in messages[1:])])
        value = first.get("input")
        shown = f" (got {_show(value)})" if _scalar(value) else ""
        return self.error(key, f"{message}{shown}")

    def _rank(self, error: Any) -> tuple[int, bool]:
        kind = error["type"]
        fits = kind not in _WRONG_TYPE and not (kind == "literal_error"
                                                and not _scalar(error.get("input")))
        return (self._in_document(error["loc"], kind)[1], fits)

    def _in_document(self, loc: tuple[str | int, ...], kind: str) -> tuple[Path_, int]:
        """The error's location as a path into the document, and how deep it resolves there:
        pydantic also names the union member or the dict key it tried (`literal[...]`,
        `[key]`), which the file does not have."""
        key: list[str | int] = []
        depth = 0
        current: Any = self.data
        for index, part in enumerate(loc):
            child = _child(current, part)
            if child is not _ABSENT:
                current, depth = child, depth + 1
            elif index < len(loc) - 1 or kind not in ("missing", "extra_forbidden"):
                continue  # a name pydantic gave (a union member, `[key]`), not a key of the file
            key.append(part)
        return tuple(key), depth


_ABSENT = object()
# Errors that only say the value is not of one union member's type.
_WRONG_TYPE = frozenset({"int_type", "int_parsing", "float_type", "float_parsing", "bool_type",
                         "bool_parsing", "string_type", "model_type", "dict_type", "list_type",
                         "model_attributes_type"})


def _message(error: Any) -> str:
    # pydantic names the model class ("or instance of LaunchOrder"): a Python name, not the file's.
    text = re.sub(r" or instance of \w+", "", str(error["msg"]))
    return text.removeprefix("Value error, ")


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict) and part in value:
        return value[part]
    if isinstance(value, list) and isinstance(part, int) and part < len(value):
        return value[part]
    return _ABSENT


def read(path: Path) -> Source:
    """Read a YAML file; an unreadable, non-YAML or empty file is an InputFileError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path} is not a UTF-8 text file") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise InputFileError(f"{path}:{where}{problem} (not valid YAML)") from None
    if node is None:
        raise InputFileError(f"{path} is empty; see docs/simulator.md for the format")
    positions: dict[Path_, Location] = {}
    _record(node, (), positions)
    data = yaml.SafeLoader(text).get_single_data()
    if not isinstance(data, dict):
        raise InputFileError(f"{path}:1:1: expected a mapping of keys at the top level, "
                             f"found a {type(data).__name__}")
    return Source(path, data, positions)


def _record(node: yaml.Node, key: Path_, positions: dict[Path_, Location]) -> None:
    positions.setdefault(key, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = key_node.value
            positions[(*key, name)] = (key_node.start_mark.line + 1,
                                       key_node.start_mark.column + 1)
            _record(value_node, (*key, name), positions)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*key, index), positions)


def dotted(key: Iterable[str | int]) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def allowed_keys(model: type[BaseModel], key: Path_) -> list[str]:
    """The keys the schema accepts in the mapping at `key` (a path into `model`)."""
    current: Any = model
    for part in key:
        current = _inner_model(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [field.alias or name for name, field in current.model_fields.items()]
    return []


def _inner_model(annotation: Any, part: str | int) -> Any:
    """Follow one step of a path through models, lists, dicts and optionals."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if isinstance(part, int):
            return None
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return _unwrap(field.annotation)
        return None
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, dict):
        return _unwrap(typing.get_args(annotation)[-1])
    return None


def _unwrap(annotation: Any) -> Any:
    """The model inside `X | None`, `Annotated[X, ...]`, or the annotation itself."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        models = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
        return _unwrap(models[0] if models else options[0])
    return annotation
