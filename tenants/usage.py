"""How much of a metered resource an organisation uses, measured by the app that owns it.

Billing shows usage next to the plan's limits but names no tenant app (the floors in pyproject.toml), so a
tenant app registers a measure here, on the ground floor, from its AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable

# name -> a callable run in the organisation's schema (the connection's current one).
_measures: dict[str, Callable[[], int]] = {}

STORAGE_BYTES = "storage_bytes"
# Counts the dashboard shows (and its onboarding checklist ticks on): each from the app that owns the rows.
PROJECTS = "projects"
FILES = "files"


def usage_register(name: str, measure: Callable[[], int]) -> None:
    _measures[name] = measure


def usage_measure(name: str) -> int | None:
    """The current tenant's usage of `name`, or None when no installed app measures it."""
    measure = _measures.get(name)
    return None if measure is None else int(measure())
