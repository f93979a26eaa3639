"""The mutants of a module: each site with a stable id that survives edits elsewhere in the file.

The id hashes the module, the enclosing function, the change and its occurrence within that
function, not the line number, so docs/reliability.md can name an equivalent mutant by id while
the code around it moves.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .operators import mutate, sites

PACKAGE = "ecs_cluster_manager.lifecycle"
SOURCE_DIR = Path("src/ecs_cluster_manager/lifecycle")


@dataclass(frozen=True)
class Mutant:
    id: str
    module: str  # short name, e.g. "decide_terminate"
    index: int
    line: int
    statement_line: int
    scope: str
    kind: str
    description: str

    @property
    def qualified_module(self) -> str:
        return f"{PACKAGE}.{self.module}"


def source_of(module: str, root: Path) -> str:
    return (root / SOURCE_DIR / f"{module}.py").read_text(encoding="utf-8")


def mutants_of(module: str, source: str) -> list[Mutant]:
    seen: Counter[tuple[str, str]] = Counter()
    found = []
    for site in sites(source):
        key = (site.scope, site.description)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha1(f"{module}|{site.scope}|{site.description}|{occurrence}".encode()).hexdigest()
        found.append(Mutant(digest[:8], module, site.index, site.line, site.statement_line, site.scope,
                            site.kind, site.description))
    return found


def mutated_source(source: str, mutant: Mutant) -> str:
    return mutate(source, mutant.index)
