"""What each tenant app contributes to an organisation's data: its part of an export and of the operator's
read-only look. Each tenant app registers its contribution in its own `exports.py` (imported at start-up
by tenants/apps.py), so the exports app and the operator console name no app.

It lives on the ground floor so that any tenant app can register without importing the exports app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """A stored object copied into the export zip at `path`, listed in manifest.json as `manifest`."""

    path: str
    key: str  # relative to the tenant's storage location
    manifest: dict[str, Any]


@dataclass(frozen=True)
class ExportContribution:
    """`name` keys the app's rows in data.json and in the operator's look. The callables run in the
    organisation's schema."""

    name: str
    # The rows written to data.json, in a stable order.
    rows: Callable[[], Sequence[Mapping[str, Any]]]
    # The newest `limit` rows an operator sees (fewer columns than the export: no user ids).
    look: Callable[[int], Sequence[Mapping[str, Any]]]
    # Stored objects to put in the zip besides data.json.
    attachments: Callable[[], Iterable[Attachment]] | None = None


_contributions: dict[str, ExportContribution] = {}


def export_register(contribution: ExportContribution) -> None:
    if contribution.name in _contributions:
        raise ValueError(f"an export contribution named {contribution.name!r} is already registered")
    _contributions[contribution.name] = contribution


def export_unregister(name: str) -> None:
    del _contributions[name]


def export_contributions() -> list[ExportContribution]:
    """In registration order: INSTALLED_APPS order, so the export's layout is stable."""
    return list(_contributions.values())
