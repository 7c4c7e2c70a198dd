"""Hooks into sign-in for the apps above accounts (the operator's impersonation), so accounts names none.

- `handoff_redeemed`: a one-time link's code was redeemed for a token pair, inside the redemption's
  transaction (a receiver that raises undoes it). Arguments: `login` (the used LoginCode), `pair`
  (the TokenPair issued), `ip` (the client's address or None).
- `refresh_requested`: a refresh token was presented, its signature and organisation checked, before it
  is rotated. Arguments: `token` (the decoded RefreshToken), `tenant`, `ip`. A receiver refuses the
  rotation by raising RefreshRefusedError; whatever it wrote is committed first (no transaction is open).
"""

from __future__ import annotations

from django.dispatch import Signal

handoff_redeemed = Signal()
refresh_requested = Signal()


class RefreshRefusedError(Exception):
    """Raised by a `refresh_requested` receiver: the family may not be refreshed. The refresh endpoint
    answers 401 with this code and detail instead of the generic `token_not_valid`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
