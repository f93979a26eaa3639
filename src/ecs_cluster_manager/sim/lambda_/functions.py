"""Lambda functions: configuration and code, loaded from an importable module or a zip.

The handler string is `module.path.function` ("Define Lambda function handler in Python",
https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html). Code given as a zip is
extracted once to a private directory, imported as a package under a private alias (relative
imports work, nothing clashes with this process's modules), with the directory on `sys.path`
while the function loads, as the runtime puts the deployment package on the path.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import itertools
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecs_cluster_manager.sim.errors import AwsError

Handler = Callable[[Any, Any], Any]
_ALIASES = itertools.count(1)


@dataclass
class Function:
    name: str
    arn: str
    handler: str
    role: str = ""
    runtime: str = "python3.12"
    timeout_s: int = 3
    memory_mb: int = 128
    environment: dict[str, str] = field(default_factory=dict)
    description: str = ""
    zip_bytes: bytes | None = None
    isolated: bool = False  # import a private copy of the handler's package, as a new sandbox
    last_modified: str = ""
    log_group: str = ""  # LoggingConfig.LogGroup; empty: /aws/lambda/<name>
    _loaded: Handler | None = None
    _code_dir: str | None = None

    def configuration(self) -> dict[str, Any]:
        """The FunctionConfiguration shape of GetFunction/CreateFunction."""
        config: dict[str, Any] = {
            "FunctionName": self.name, "FunctionArn": self.arn, "Runtime": self.runtime,
            "Role": self.role, "Handler": self.handler, "Timeout": self.timeout_s,
            "MemorySize": self.memory_mb, "Description": self.description,
            "CodeSize": len(self.zip_bytes or b""), "LastModified": self.last_modified,
            "Version": "$LATEST", "State": "Active", "PackageType": "Zip",
        }
        if self.environment:
            config["Environment"] = {"Variables": dict(self.environment)}
        config["LoggingConfig"] = {"LogFormat": "Text",
                                   "LogGroup": self.log_group or f"/aws/lambda/{self.name}"}
        return config

    def reset_code(self) -> None:
        self._loaded = None
        self._code_dir = None

    def load(self) -> Handler:
        """The handler callable, imported on first use (a cold start) and kept warm."""
        if self._loaded is None:
            self._loaded = self._import()
        return self._loaded

    def _import(self) -> Handler:
        module_name, _, attribute = self.handler.rpartition(".")
        if not module_name:
            raise AwsError("InvalidParameterValueException",
                           f"Bad handler '{self.handler}': expected module.function")
        if self.zip_bytes is not None:
            module = self._import_from_zip(module_name)
        elif self.isolated:
            module = _import_under_alias(_source_root(module_name), module_name)
        else:
            module = importlib.import_module(module_name)
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise ImportError(f"Handler '{attribute}' missing on module '{module_name}'")
        return handler  # type: ignore[no-any-return]

    def _import_from_zip(self, module_name: str) -> Any:
        """Import `module_name` from the extracted package under a private top-level alias, so
        relative imports inside it work and it never clashes with the process's own copy of a
        module of the same name (a packaged `ecs_cluster_manager`, say)."""
        if self._code_dir is None:
            self._code_dir = tempfile.mkdtemp(prefix=f"ecm-sim-{self.name}-")
            with zipfile.ZipFile(io.BytesIO(self.zip_bytes or b"")) as archive:
                archive.extractall(self._code_dir)
        return _import_under_alias(self._code_dir, module_name)


def _source_root(module_name: str) -> str:
    """The directory holding the top-level package (or module) of `module_name`."""
    top = module_name.split(".", 1)[0]
    spec = importlib.util.find_spec(top)
    if spec is None:
        raise ImportError(f"No module named '{top}'")
    if spec.submodule_search_locations:
        return os.path.dirname(next(iter(spec.submodule_search_locations)))
    if spec.origin is None:
        raise ImportError(f"Cannot find the source of '{top}'")
    return os.path.dirname(spec.origin)


def _import_under_alias(root_dir: str, module_name: str) -> Any:
    """Import a fresh copy of `module_name` from `root_dir` under a private top-level alias:
    module state (caches, clients, clocks captured at import) is the function's own, as in a
    new Lambda execution environment, and relative imports inside the package work."""
    alias = f"_ecm_sim_code_{next(_ALIASES)}"
    spec = importlib.util.spec_from_loader(alias, loader=None, is_package=True)
    assert spec is not None
    root = importlib.util.module_from_spec(spec)
    root.__path__ = [root_dir]
    sys.modules[alias] = root
    sys.path.insert(0, root_dir)  # the package's absolute imports of its own modules
    try:
        return importlib.import_module(f"{alias}.{module_name}")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(alias):
            raise ImportError(f"No module named '{module_name}' in {root_dir}") from None
        raise
    finally:
        sys.path.remove(root_dir)
