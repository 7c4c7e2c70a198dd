"""Hooks for the apps above memberships, so memberships names none of them (the floors, pyproject.toml).

- `organisation_deletion_requested`: an owner asked for their organisation to be deleted
  (POST /api/v1/organisation/deletion/). Arguments: `tenant`, `actor` (the owner's User), `reason`, `ip`.
  The operator app's receiver hands it to its deletion flow (shared_apps/operator/deletion.py) and returns
  the `datetime` the organisation will be erased at. A receiver that raises refuses the request.
"""

from __future__ import annotations

from django.dispatch import Signal

organisation_deletion_requested = Signal()
