"""Demo step placeholder (filled below)."""

from __future__ import annotations


def step(orgs: dict) -> None:
    return None
