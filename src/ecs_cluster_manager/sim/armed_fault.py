"""What every armed fault remembers: a description for people and how often it fired."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(kw_only=True)
class Armed:
    """One armed fault: what it is, in words, and how often it has fired so far."""

    description: str
    fired: int = field(default=0, init=False)
