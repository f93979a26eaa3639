"""Serve one module's mutated source through the import system, never touching the file on disk."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType


class MutantLoader(importlib.abc.Loader):
    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.path = path

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        exec(compile(self.source, self.path, "exec"), module.__dict__)


class MutantFinder(importlib.abc.MetaPathFinder):
    """Answers for exactly one module name, ahead of the normal finders."""

    def __init__(self, name: str, source: str, path: str) -> None:
        self.name = name
        self.loader = MutantLoader(source, path)
        self.path = path

    def find_spec(self, fullname: str, path: object = None, target: object = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        spec = importlib.util.spec_from_loader(fullname, self.loader, origin=self.path)
        if spec is not None:
            spec.has_location = True  # sets __file__, as for the real module
        return spec


def install(name: str, source: str, path: str) -> None:
    """From now on, importing `name` runs `source`; the module must not be imported yet."""
    if name in sys.modules:
        raise RuntimeError(f"{name} is already imported; the mutant would not be seen")
    sys.meta_path.insert(0, MutantFinder(name, source, path))
