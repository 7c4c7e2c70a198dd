"""Issue 15 item 4: WebAuthn passkeys as a second factor (allauth.mfa's webauthn type, the kit's second step).

A software authenticator (ES256 key, fido2's data structures) plays the browser and the key: it answers
allauth's creation options with an attestation ("none") and the kit's request options with assertions
signed by its key, for the origin and relying party of the host.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import WebAuthn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from fido2.cose import ES256
from fido2.utils import websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

from shared_apps.accounts.mfa import MFA_TOKEN_MAX_ATTEMPTS
from shared_apps.accounts.models import User
from shared_apps.memberships.models import Membership
from tests.conftest import Team
from tests.factories import PASSWORD
from tests.helpers import api, error

pytestmark = pytest.mark.django_db

ACME = "acme.localhost"
GLOBEX = "globex.localhost"
ALLAUTH = "/_allauth/app/v1"
FLAGS = AuthenticatorData.FLAG


@dataclass
class SoftAuthenticator:
    """One passkey: a P-256 key and its credential id, for the relying party `rp_id`. `passwordless`: made as a
    discoverable credential (credProps.rk), as for a passwordless sign-in."""

    rp_id: str
    passwordless: bool = False
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    counter: int = 0

    def _rp_hash(self, rp_id: str | None = None) -> bytes:
        return hashlib.sha256((rp_id or self.rp_id).encode()).digest()

    def register(self, challenge: str, origin: str | None = None, *, verified: bool = True) -> dict[str, Any]:
        """The PublicKeyCredential of navigator.credentials.create(), as JSON (what the frontend posts).
        `verified` False: a key that only saw the person present (no PIN, no biometrics)."""
        public_key = ES256.from_cryptography_key(self.key.public_key())
        attested = AttestedCredentialData.create(b"\0" * 16, self.credential_id, public_key)
        flags = FLAGS.UP | FLAGS.UV | FLAGS.AT if verified else FLAGS.UP | FLAGS.AT
        auth_data = AuthenticatorData.create(self._rp_hash(), flags, 0, attested)
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=challenge, origin=origin or f"http://{self.rp_id}"
        )
        raw_id = websafe_encode(self.credential_id)
        return {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(AttestationObject.create("none", auth_data, {})),
            },
            "clientExtensionResults": {"credProps": {"rk": self.passwordless}},
        }

    def sign_in(
        self,
        challenge: str,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        signer: ec.EllipticCurvePrivateKey | None = None,
        user_handle: str | None = None,
        verified: bool = True,
    ) -> dict[str, Any]:
        """The PublicKeyCredential of navigator.credentials.get(), as JSON. `signer` other than the
        passkey's own key gives a forged signature; `rp_id` another relying party's. `user_handle`: the
        account id a discoverable passkey returns (allauth's user handle); `verified` False: the person was
        present, not verified (no PIN, no biometrics)."""
        self.counter += 1
        flags = FLAGS.UP | FLAGS.UV if verified else FLAGS.UP
        auth_data = AuthenticatorData.create(self._rp_hash(rp_id), flags, self.counter)
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=challenge, origin=origin or f"http://{rp_id or self.rp_id}"
        )
        signature = (signer or self.key).sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        raw_id = websafe_encode(self.credential_id)
        response = {
            "clientDataJSON": websafe_encode(client_data),
            "authenticatorData": websafe_encode(bytes(auth_data)),
            "signature": websafe_encode(signature),
        }
        if user_handle is not None:
            response["userHandle"] = websafe_encode(user_handle.encode())
        return {
            "id": raw_id,
            "rawId": raw_id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
        }


@pytest.fixture(autouse=True)
def _clean_limits() -> None:
    cache.delete_pattern("rl:*")  # type: ignore[attr-defined]  # django-redis


def with_passkey(
    user: User, rp_id: str = ACME, name: str = "Laptop", *, passwordless: bool = False
) -> SoftAuthenticator:
    """A passkey stored as allauth stores one added through its endpoint (its registration response)."""
    key = SoftAuthenticator(rp_id, passwordless)
    WebAuthn.add(user, name, key.register(websafe_encode(os.urandom(32))))
    return key


def password_step(host: str, email: str) -> dict[str, Any]:
    response = api(host).post(
        "/api/v1/auth/login/", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def options_step(host: str, token: str) -> Any:
    return api(host).post("/api/v1/auth/mfa/webauthn/options/", {"mfaToken": token}, content_type="application/json")


def challenge_of(host: str, token: str) -> str:
    response = options_step(host, token)
    assert response.status_code == 200, response.content
    return str(response.json()["requestOptions"]["publicKey"]["challenge"])


def credential_step(host: str, token: str, credential: dict[str, Any]) -> Any:
    return api(host).post(
        "/api/v1/auth/mfa/", {"mfaToken": token, "credential": credential}, content_type="application/json"
    )


def test_a_passkey_is_added_renamed_and_removed_through_allauth(team: Team) -> None:
    EmailAddress.objects.update_or_create(
        user=team.member, email=team.member.email, defaults={"verified": True, "primary": True}
    )
    client = api(ACME)
    login = client.post(
        f"{ALLAUTH}/auth/login", {"email": team.member.email, "password": PASSWORD}, content_type="application/json"
    )
    session = {"HTTP_X_SESSION_TOKEN": login.json()["meta"]["session_token"]}
    # Adding a passkey asks for the password again first (allauth's reauthentication flow).
    assert client.get(f"{ALLAUTH}/account/authenticators/webauthn", **session).status_code == 401
    reauth = client.post(
        f"{ALLAUTH}/auth/reauthenticate", {"password": PASSWORD}, content_type="application/json", **session
    )
    assert reauth.status_code == 200, reauth.content
    options = client.get(f"{ALLAUTH}/account/authenticators/webauthn", **session)
    assert options.status_code == 200, options.content
    public_key = options.json()["data"]["creation_options"]["publicKey"]
    # The relying party is the organisation's host: the passkey is for this host only.
    assert public_key["rp"]["id"] == ACME
    assert public_key["user"]["name"] == team.member.email
    key = SoftAuthenticator(ACME)
    # A credential for another challenge is refused, and nothing is stored.
    stale = client.post(
        f"{ALLAUTH}/account/authenticators/webauthn",
        {"name": "Laptop", "credential": key.register(websafe_encode(os.urandom(32)))},
        content_type="application/json",
        **session,
    )
    assert (stale.status_code, [e["code"] for e in stale.json()["errors"]]) == (400, ["incorrect_code"])
    assert not Authenticator.objects.filter(user=team.member).exists()
    added = client.post(
        f"{ALLAUTH}/account/authenticators/webauthn",
        {"name": "Laptop", "credential": key.register(public_key["challenge"])},
        content_type="application/json",
        **session,
    )
    assert added.status_code == 200, added.content
    assert added.json()["meta"] == {"recovery_codes_generated": True}
    passkey_id = added.json()["data"]["id"]
    listed = client.get(f"{ALLAUTH}/account/authenticators", **session).json()["data"]
    assert sorted((a["type"], a.get("name")) for a in listed) == [("recovery_codes", None), ("webauthn", "Laptop")]
    renamed = client.put(
        f"{ALLAUTH}/account/authenticators/webauthn",
        {"id": passkey_id, "name": "Phone"},
        content_type="application/json",
        **session,
    )
    assert (renamed.status_code, renamed.json()["data"]["name"]) == (200, "Phone")
    assert password_step(ACME, team.member.email)["methods"] == ["recovery_codes", "webauthn"]
    removed = client.delete(
        f"{ALLAUTH}/account/authenticators/webauthn",
        {"authenticators": [passkey_id]},
        content_type="application/json",
        **session,
    )
    assert removed.status_code == 200, removed.content
    # The last passkey gone, allauth removes the recovery codes with it: MFA is off, a password signs in.
    assert not Authenticator.objects.filter(user=team.member).exists()
    assert "access" in password_step(ACME, team.member.email)


def test_another_account_cannot_rename_or_remove_a_passkey(team: Team) -> None:
    with_passkey(team.member)
    passkey = Authenticator.objects.get(user=team.member, type="webauthn")
    EmailAddress.objects.update_or_create(
        user=team.outsider, email=team.outsider.email, defaults={"verified": True, "primary": True}
    )
    client = api(GLOBEX)
    login = client.post(
        f"{ALLAUTH}/auth/login", {"email": team.outsider.email, "password": PASSWORD}, content_type="application/json"
    )
    session = {"HTTP_X_SESSION_TOKEN": login.json()["meta"]["session_token"]}
    client.post(f"{ALLAUTH}/auth/reauthenticate", {"password": PASSWORD}, content_type="application/json", **session)
    for method, body, param in (
        ("put", {"id": passkey.pk, "name": "Mine"}, "id"),
        ("delete", {"authenticators": [passkey.pk]}, "authenticators"),
    ):
        response = getattr(client, method)(
            f"{ALLAUTH}/account/authenticators/webauthn", body, content_type="application/json", **session
        )
        assert response.status_code == 400, response.content
        assert [(e["code"], e["param"]) for e in response.json()["errors"]] == [("invalid_choice", param)]
    passkey.refresh_from_db()
    assert passkey.data["name"] == "Laptop"


def test_the_login_offers_webauthn_and_a_right_assertion_gives_tokens(team: Team) -> None:
    key = with_passkey(team.member)
    body = password_step(ACME, team.member.email)
    assert (body["mfaRequired"], body["methods"]) == (True, ["webauthn"])
    options = options_step(ACME, body["mfaToken"])
    assert options.status_code == 200, options.content
    public_key = options.json()["requestOptions"]["publicKey"]
    assert public_key["rpId"] == ACME
    assert public_key["allowCredentials"] == [{"type": "public-key", "id": websafe_encode(key.credential_id)}]
    response = credential_step(ACME, body["mfaToken"], key.sign_in(public_key["challenge"]))
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert (tokens["role"], tokens["user"]["email"]) == ("member", team.member.email)
    me = api(ACME, tokens["access"]).get("/api/v1/me/")
    assert (me.status_code, me.json()["email"]) == (200, team.member.email)
    assert Authenticator.objects.get(user=team.member, type="webauthn").last_used_at is not None
    # Redeemed once: the token is spent, and the challenge with it.
    again = credential_step(ACME, body["mfaToken"], key.sign_in(public_key["challenge"]))
    assert (again.status_code, error(again)["code"]) == (401, "mfa_token_invalid")
    spent = options_step(ACME, body["mfaToken"])
    assert (spent.status_code, error(spent)["code"]) == (401, "mfa_token_invalid")


def test_a_wrong_assertion_is_refused_and_counts_as_an_attempt(team: Team) -> None:
    key = with_passkey(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    challenge = challenge_of(ACME, token)
    forger = ec.generate_private_key(ec.SECP256R1())
    wrong = [
        key.sign_in(challenge, signer=forger),  # not signed by the passkey
        key.sign_in(websafe_encode(os.urandom(32))),  # another challenge (a replayed assertion)
        key.sign_in(challenge, rp_id=GLOBEX),  # made for another organisation's host
        key.sign_in(challenge, origin="https://evil.example"),  # collected on another site
        {"id": "x", "type": "public-key"},  # not an assertion at all
    ]
    assert len(wrong) == MFA_TOKEN_MAX_ATTEMPTS
    for credential in wrong:
        response = credential_step(ACME, token, credential)
        assert response.status_code == 400, response.content
        assert (error(response)["code"], error(response)["attr"]) == ("invalid_code", "credential")
        assert "access" not in response.json() and "refresh_token" not in response.cookies
    right = credential_step(ACME, token, key.sign_in(challenge))
    assert (right.status_code, error(right)["code"]) == (401, "mfa_attempts_exceeded")
    assert Authenticator.objects.get(user=team.member, type="webauthn").last_used_at is None


def test_another_accounts_passkey_is_refused(team: Team) -> None:
    with_passkey(team.member)
    admins_key = with_passkey(team.admin)
    token = password_step(ACME, team.member.email)["mfaToken"]
    challenge = challenge_of(ACME, token)
    # A valid assertion of the admin's own passkey, for the member's challenge: an unknown credential here.
    response = credential_step(ACME, token, admins_key.sign_in(challenge))
    assert (response.status_code, error(response)["code"], error(response)["attr"]) == (
        400,
        "invalid_code",
        "credential",
    )


def test_an_assertion_needs_the_options_of_its_own_token(team: Team) -> None:
    key = with_passkey(team.member)
    first = password_step(ACME, team.member.email)["mfaToken"]
    challenge = challenge_of(ACME, first)
    second = password_step(ACME, team.member.email)["mfaToken"]
    # No options asked for the second token; the first token's challenge is not the second's.
    response = credential_step(ACME, second, key.sign_in(challenge))
    assert (response.status_code, error(response)["code"]) == (400, "invalid_code")
    assert credential_step(ACME, first, key.sign_in(challenge)).status_code == 200


def test_a_token_of_one_organisation_is_refused_on_another(team: Team) -> None:
    from shared_apps.memberships.services import membership_create

    # An account in both organisations, with a passkey on each host: acme's challenge is acme's only.
    membership_create(
        user=team.member, tenant=Membership.objects.get(user=team.outsider).tenant, role=Membership.Role.MEMBER
    )
    acme_key = with_passkey(team.member, ACME, "Acme")
    globex_key = with_passkey(team.member, GLOBEX, "Globex")
    token = password_step(ACME, team.member.email)["mfaToken"]
    challenge = challenge_of(ACME, token)
    for host in (GLOBEX, "localhost"):
        response = options_step(host, token)
        assert (response.status_code, error(response)["code"]) == (401, "mfa_token_invalid"), host
        response = credential_step(host, token, globex_key.sign_in(challenge, rp_id=host))
        assert (response.status_code, error(response)["code"]) == (401, "mfa_token_invalid"), host
    # On acme, globex's passkey (relying party globex.localhost) does not pass either.
    response = credential_step(ACME, token, globex_key.sign_in(challenge))
    assert (response.status_code, error(response)["code"]) == (400, "invalid_code")
    assert credential_step(ACME, token, acme_key.sign_in(challenge)).status_code == 200


def test_an_account_without_a_passkey_gets_no_options(team: Team) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(team.member, generate_totp_secret())
    body = password_step(ACME, team.member.email)
    assert body["methods"] == ["totp"]
    response = options_step(ACME, body["mfaToken"])
    assert response.status_code == 400, response.content
    assert (error(response)["code"], error(response)["attr"]) == ("webauthn_unavailable", "mfaToken")
    bad = options_step(ACME, body["mfaToken"][:-2] + "xx")
    assert (bad.status_code, error(bad)["code"]) == (401, "mfa_token_invalid")


def test_the_second_step_takes_a_code_or_a_credential_not_both(team: Team) -> None:
    key = with_passkey(team.member)
    token = password_step(ACME, team.member.email)["mfaToken"]
    challenge = challenge_of(ACME, token)
    for body in (
        {"mfaToken": token},
        {"mfaToken": token, "code": "123456", "credential": key.sign_in(challenge)},
    ):
        response = api(ACME).post("/api/v1/auth/mfa/", body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert (error(response)["code"], error(response)["attr"]) == ("required", "code")
    not_an_object = api(ACME).post(
        "/api/v1/auth/mfa/", {"mfaToken": token, "credential": "text"}, content_type="application/json"
    )
    assert (not_an_object.status_code, error(not_an_object)["attr"]) == (400, "credential")
    # None of these was an attempt: the right assertion still works.
    assert credential_step(ACME, token, key.sign_in(challenge)).status_code == 200
