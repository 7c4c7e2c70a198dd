"""allauth's headless passkey management (account/authenticators/webauthn), hardened for hostile bodies.

allauth parses the posted credential with fido2 and only expects a TypeError: a credential without
`rawId` (or with bad base64) raised KeyError/ValueError and answered 500. Here any credential fido2
cannot read is allauth's own 400 `incorrect_code` on `credential`, and nothing is stored.

`passwordless` (a passkey that also signs in alone, shared_apps/accounts/passkey_login.py): allauth's form
declares the field only with MFA_PASSKEY_LOGIN_ENABLED (its own passkey login, not mounted here), so it is
declared here, and allauth's check of it applies: a passwordless passkey must have verified the person at
creation, else `incorrect_code`, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from allauth.headless.internal.restkit.inputs import BooleanField
from allauth.headless.mfa.inputs import AddWebAuthnInput
from allauth.headless.mfa.views import ManageWebAuthnView as AllauthManageWebAuthnView
from allauth.mfa.adapter import get_adapter
from fido2.webauthn import RegistrationResponse


class _AddPasskeyInput(AddWebAuthnInput):
    passwordless = BooleanField(required=False)

    def clean_credential(self) -> Any:
        credential = self.cleaned_data["credential"]
        try:
            RegistrationResponse.from_dict(credential)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise get_adapter().validation_error("incorrect_code") from exc
        return credential


class ManageWebAuthnView(AllauthManageWebAuthnView):
    input_class = {**AllauthManageWebAuthnView.input_class, "POST": _AddPasskeyInput}
