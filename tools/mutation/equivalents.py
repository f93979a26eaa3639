"""The equivalent mutants, read from docs/reliability.md so the list and the doc cannot drift.

A row of the "Equivalent mutants" table names the module, then the mutant's id in backticks:
| decide_terminate | `1a2b3c4d` | where | mutation | why no test can tell it from the original |
(the module comes first: the fault matrix's test reads rows that start with a backticked name.)
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path("docs/reliability.md")
HEADING = "### Equivalent mutants"
ROW = re.compile(r"^\|\s*[a-z_]+\s*\|\s*`(?P<id>[0-9a-f]{8})`\s*\|(?P<rest>.*)\|\s*$")


def equivalent_ids(root: Path) -> dict[str, str]:
    """id -> reason, from the table under HEADING (empty when the section is missing)."""
    text = (root / DOC).read_text(encoding="utf-8")
    if HEADING not in text:
        return {}
    section = text.split(HEADING, 1)[1].split("\n#", 1)[0]
    found: dict[str, str] = {}
    for line in section.splitlines():
        match = ROW.match(line.strip())
        if match:
            found[match["id"]] = match["rest"].rsplit("|", 1)[-1].strip()
    return found
