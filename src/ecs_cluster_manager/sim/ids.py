"""Deterministic identifiers in AWS's formats, so a seeded simulation replays identically."""

from __future__ import annotations

import random
import uuid


class IdFactory:
    """Makes instance ids, UUIDs and request ids from one seeded generator."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def hex(self, length: int) -> str:
        return f"{self._random.getrandbits(4 * length):0{length}x}"

    def instance_id(self) -> str:
        return "i-" + self.hex(17)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def prefixed(self, prefix: str, length: int = 17) -> str:
        """Ids such as `lt-0abc…` (launch templates) or `ami-…`."""
        return f"{prefix}-{self.hex(length)}"
