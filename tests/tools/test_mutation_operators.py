"""The AST mutator offers each operator the issue names, and each mutant is one valid change."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from tools.mutation.mutants import SOURCE_DIR, mutants_of
from tools.mutation.operators import mutate, sites

ROOT = Path(__file__).resolve().parents[2]

SAMPLE = textwrap.dedent('''
    """Docstring: never mutated."""
    from __future__ import annotations

    GONE = frozenset({"stopping", "terminated"})
    LIMIT: int = 256


    def decide(state: str, count: int, flags: dict[str, str], seen: list[str], strict: bool = True) -> str | None:
        """Docstring too."""
        if state in GONE and not count < LIMIT:
            seen.append(f"gone {state}")
            return None
        total = count + 1
        return flags.get("mode", "on") if total >= 2 or state == "x" else None
''')


def _descriptions(source: str) -> list[str]:
    return [s.description if s.kind == "delete" else f"{s.kind}: {s.description}" for s in sites(source)]


def test_every_operator_of_the_issue_is_offered() -> None:
    offered = _descriptions(SAMPLE)
    expected = [
        "collection: 'stopping' removed from {'stopping', 'terminated'}",
        "collection: 'terminated' removed from {'stopping', 'terminated'}",
        "constant: 256 -> 257", "constant: 256 -> 255", "constant: 256 -> 0",
        "boolean: state in GONE and (not count < LIMIT) -> state in GONE or not count < LIMIT",
        "compare: state in GONE -> state not in GONE",
        "boolean: not count < LIMIT -> count < LIMIT",
        "compare: count < LIMIT -> count <= LIMIT", "compare: count < LIMIT -> count >= LIMIT",
        "delete: seen.append(f'gone {state}')",
        "delete: return None",
        "arithmetic: count + 1 -> count - 1",
        "compare: total >= 2 -> total > 2", "compare: total >= 2 -> total < 2",
        "compare: state == 'x' -> state != 'x'",
        "constant: 'x' -> ''",
        "default: flags.get('mode', 'on') -> flags.get('mode')",
        "constant: 'mode' -> ''", "constant: 'on' -> ''",
        "constant: True -> False",
    ]
    missing = [e for e in expected if e not in offered]
    assert not missing, (missing, offered)
    assert any(d.startswith("return: return flags.get") for d in offered)


def test_docstrings_annotations_imports_and_fstring_text_are_left_alone() -> None:
    offered = " ".join(_descriptions(SAMPLE))
    for untouched in ("Docstring", "annotations", "dict[str, str]", "'gone", "str | None"):
        assert untouched not in offered.replace("seen.append(f'gone {state}')", ""), untouched


def test_each_mutant_is_exactly_one_change_and_valid_python() -> None:
    original = ast.unparse(ast.parse(SAMPLE))
    mutated = {mutate(SAMPLE, s.index) for s in sites(SAMPLE)}
    for source in mutated:
        compile(source, "mutant", "exec")
        assert source != original
    assert len(mutated) >= len(sites(SAMPLE)) - 3  # a few operators can meet (True -> False twice)


def test_a_statement_deleted_from_a_one_statement_body_leaves_pass() -> None:
    source = "def f(items):\n    for i in items:\n        items.append(i)\n"
    index = next(s.index for s in sites(source) if s.kind == "delete")
    assert "pass" in mutate(source, index)


def test_an_index_past_the_last_site_is_refused() -> None:
    with pytest.raises(IndexError):
        mutate(SAMPLE, len(sites(SAMPLE)))


@pytest.mark.parametrize("module", ["decide_terminate", "decide_launch", "timing", "events", "act",
                                    "drain_record", "config", "leftovers", "checks", "observe"])
def test_every_mutant_of_the_lifecycle_modules_compiles(module: str) -> None:
    source = (ROOT / SOURCE_DIR / f"{module}.py").read_text(encoding="utf-8")
    found = mutants_of(module, source)
    assert found and len({m.id for m in found}) == len(found)  # ids are unique
    for mutant in found:
        compile(mutate(source, mutant.index), module, "exec")
        assert mutant.statement_line <= mutant.line


def test_ids_do_not_move_when_code_elsewhere_changes() -> None:
    before = {m.id: m.description for m in mutants_of("sample", SAMPLE)}
    edited = SAMPLE.replace("LIMIT: int = 256\n", "LIMIT: int = 256\n\n\ndef other(x):\n    return x > 3\n")
    after = {m.id: m.description for m in mutants_of("sample", edited)}
    assert before.items() <= after.items()
    assert len(after) > len(before)
