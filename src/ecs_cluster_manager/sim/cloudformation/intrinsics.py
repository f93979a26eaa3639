"""Intrinsic functions, conditions and pseudo parameters, evaluated against a stack.

Follows the "Intrinsic function reference"
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html),
"Condition functions" (…/intrinsic-function-reference-conditions.html) and "Pseudo parameters
reference" (…/pseudo-parameter-reference.html). `Ref AWS::NoValue` removes the property (or
list item) it stands in. `template.py` only substitutes known names; a deployment needs the
whole set, hence this evaluator.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError
from ecs_cluster_manager.template import as_parameter_string as _text


class _NoValue:
    """The marker `Ref: AWS::NoValue` evaluates to; removed from the enclosing dict or list."""


NO_VALUE = _NoValue()
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")

RefFn = Callable[[str], Any]  # logical id or parameter name -> Ref value
AttFn = Callable[[str, str], Any]  # (logical id, attribute) -> GetAtt value


def template_error(message: str) -> AwsError:
    return AwsError("ValidationError", f"Template error: {message}")


class Evaluator:
    def __init__(self, ref: RefFn, get_att: AttFn, conditions: Mapping[str, Any]) -> None:
        self.ref = ref
        self.get_att = get_att
        self._condition_specs = dict(conditions)
        self._condition_values: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._condition_values:
            if name not in self._condition_specs:
                raise template_error(f"unresolved condition dependency {name}")
            self._condition_values[name] = bool(self.value(self._condition_specs[name]))
        return self._condition_values[name]

    def value(self, node: Any) -> Any:
        """Evaluate `node`; NO_VALUE is dropped from dicts and lists on the way up."""
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, argument), = node.items()
            handler = self._FUNCTIONS.get(key)
            if handler is not None:
                return handler(self, argument)
        evaluated = {key: self.value(item) for key, item in node.items()}
        return {key: item for key, item in evaluated.items() if item is not NO_VALUE}

    # -- the functions --------------------------------------------------------------------

    def _ref(self, name: str) -> Any:
        return NO_VALUE if name == "AWS::NoValue" else self.ref(name)

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        logical_id, attribute = (self.value(part) for part in argument)
        return self.get_att(str(logical_id), str(attribute))

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], {k: self.value(v) for k, v in argument[1].items()}
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return _text(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return _text(self.get_att(*name.split(".", 1)))
            return _text(self.ref(name))

        return _SUB_VARIABLE.sub(replace, str(text))

    def _join(self, argument: Any) -> str:
        delimiter, items = argument
        return str(delimiter).join(_text(item) for item in self.value(items))

    def _select(self, argument: Any) -> Any:
        index, items = (self.value(part) for part in argument)
        return items[int(index)]

    def _split(self, argument: Any) -> list[str]:
        delimiter, text = argument
        return str(self.value(text)).split(str(delimiter))

    def _base64(self, argument: Any) -> str:
        return base64.b64encode(_text(self.value(argument)).encode()).decode()

    def _if(self, argument: Any) -> Any:
        name, when_true, when_false = argument
        return self.value(when_true if self.condition(name) else when_false)

    def _equals(self, argument: Any) -> bool:
        left, right = (self.value(part) for part in argument)
        return _text(left) == _text(right)

    def _not(self, argument: Any) -> bool:
        return not self._truth(argument[0])

    def _and(self, argument: Any) -> bool:
        return all(self._truth(item) for item in argument)

    def _or(self, argument: Any) -> bool:
        return any(self._truth(item) for item in argument)

    def _truth(self, node: Any) -> bool:
        if isinstance(node, dict) and set(node) == {"Condition"}:
            return self.condition(node["Condition"])
        return bool(self.value(node))

    def _condition_ref(self, name: Any) -> bool:
        return self.condition(str(name))

    def _to_json(self, argument: Any) -> str:
        return json.dumps(self.value(argument), separators=(",", ":"))

    _FUNCTIONS: dict[str, Callable[[Evaluator, Any], Any]] = {
        "Ref": _ref, "Fn::GetAtt": _get_att, "Fn::Sub": _sub, "Fn::Join": _join,
        "Fn::Select": _select, "Fn::Split": _split, "Fn::Base64": _base64, "Fn::If": _if,
        "Fn::Equals": _equals, "Fn::Not": _not, "Fn::And": _and, "Fn::Or": _or,
        "Condition": _condition_ref, "Fn::ToJsonString": _to_json,
    }




def references(node: Any) -> set[str]:
    """Names a node refers to through Ref, GetAtt and Sub (parameters and resources alike)."""
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= references(item)
    elif isinstance(node, dict):
        for key, item in node.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item.split(".", 1)[0] if isinstance(item, str) else item[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                for name in _SUB_VARIABLE.findall(str(text)):
                    if not name.startswith("!"):
                        found.add(name.split(".", 1)[0])
                found |= references(item[1] if isinstance(item, list) else [])
            else:
                found |= references(item)
    return found
