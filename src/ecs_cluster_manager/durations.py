"""Durations as people read them, the same in every command and page: 45s, 4m05s, 1h02m."""

from __future__ import annotations


def duration_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"
