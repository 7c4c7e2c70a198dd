"""allauth's headless passkey management (account/authenticators/webauthn), hardened for hostile bodies.

allauth parses the posted credential with fido2 and only expects a TypeError: a credential without
`rawId` (or with bad base64) raised KeyError/ValueError and answered 500. Here any credential fido2
cannot read is allauth's own 400 `incorrect_code` on `credential`, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from allauth.headless.mfa.inputs import AddWebAuthnInput
from allauth.headless.mfa.views import ManageWebAuthnView as AllauthManageWebAuthnView
from allauth.mfa.adapter import get_adapter
from fido2.webauthn import RegistrationResponse


class _AddPasskeyInput(AddWebAuthnInput):
    def clean_credential(self) -> Any:
        credential = self.cleaned_data["credential"]
        try:
            RegistrationResponse.from_dict(credential)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise get_adapter().validation_error("incorrect_code") from exc
        return credential


class ManageWebAuthnView(AllauthManageWebAuthnView):
    input_class = {**AllauthManageWebAuthnView.input_class, "POST": _AddPasskeyInput}
