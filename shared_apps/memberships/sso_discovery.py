"""An SSO issuer's OpenID Connect discovery document, fetched without letting an organisation's owner aim
the server at the private network (SSRF).

Rules for the issuer and for every endpoint its document names (the server calls the token endpoint, the
JWKS and userinfo itself; the browser goes to the authorization endpoint):
- https, no user info, no query or fragment in the issuer;
- the host resolves (DNS) to public addresses only: loopback, private, link-local (169.254.x, the cloud
  metadata service), shared, reserved and multicast addresses are refused, IPv4-mapped IPv6 included;
- except hosts listed in `settings.SSO_INSECURE_ISSUER_HOSTS` (tests, development): http and any address.
The request goes to the address that was checked (the connection is pinned to it, TLS still verifies the
host name), so a DNS answer that changes between the check and the connection cannot slip through. Short
timeouts, no redirects followed, a bounded body.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from requests.utils import DEFAULT_CA_BUNDLE_PATH

DISCOVERY_PATH = "/.well-known/openid-configuration"
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
MAX_BYTES = 256 * 1024
# Endpoints the kit (through allauth) needs; userinfo is optional in the spec and allauth uses the ID token then.
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
OPTIONAL_ENDPOINTS = ("userinfo_endpoint",)


class IssuerRefusedError(Exception):
    """Why an issuer (or an endpoint its document names) cannot be used: a code and a sentence."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Discovery:
    """The parts of a validated discovery document the kit uses."""

    issuer: str  # as the document spells it: ID tokens carry exactly this `iss`
    endpoints: dict[str, str]  # REQUIRED_ENDPOINTS, and OPTIONAL_ENDPOINTS when present
    code_challenge_methods: list[str]


def _is_insecure_host(host: str) -> bool:
    return host in settings.SSO_INSECURE_ISSUER_HOSTS


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # a scoped IPv6 address: its scope is not the address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query, what goes on the request line
    addresses: list[str]


def url_check(url: str, *, what: str | None = None) -> _Target:
    """The URL, checked against the rules above, with the addresses it may be fetched from."""
    what = what or _("The issuer")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise IssuerRefusedError("invalid_url", _("%(what)s is not a valid URL.") % {"what": what}) from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise IssuerRefusedError("invalid_url", _("%(what)s must be an https:// URL.") % {"what": what})
    if parts.username is not None or parts.password is not None:
        raise IssuerRefusedError(
            "invalid_url", _("%(what)s must not contain a user name or password.") % {"what": what}
        )
    insecure = _is_insecure_host(host)
    if parts.scheme != "https" and not insecure:
        raise IssuerRefusedError("https_required", _("%(what)s must use https.") % {"what": what})
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise IssuerRefusedError(
            "issuer_unresolvable", _("%(what)s: its host name does not resolve.") % {"what": what}
        ) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not insecure and not all(_public(address) for address in addresses):
        raise IssuerRefusedError(
            "private_address",
            _("%(what)s resolves to a private, loopback or link-local address, which is refused.") % {"what": what},
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(scheme=parts.scheme, host=host, port=port, path=path, addresses=addresses)


def _get_json(url: str) -> Any:
    target = url_check(url)
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal
        host_header = f"[{target.host}]" if target.port in (80, 443) else f"[{target.host}]:{target.port}"
    last_error: Exception | None = None
    for address in target.addresses:
        pool: urllib3.HTTPConnectionPool
        if target.scheme == "https":
            # Connect to the checked address; TLS still checks the certificate against the host name.
            pool = urllib3.HTTPSConnectionPool(
                address,
                target.port,
                timeout=timeout,
                retries=False,
                cert_reqs="CERT_REQUIRED",
                ca_certs=DEFAULT_CA_BUNDLE_PATH,  # the CA bundle allauth's requests use too
                server_hostname=target.host,
                assert_hostname=target.host,
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers={"Host": host_header, "Accept": "application/json", "User-Agent": "saas-kit-sso"},
                redirect=False,
                retries=False,
                preload_content=False,
            )
            try:
                body = response.read(MAX_BYTES + 1)
            finally:
                response.release_conn()
        except urllib3.exceptions.NewConnectionError as exc:  # this address refuses: the next one may not
            last_error = exc
            continue
        except urllib3.exceptions.HTTPError as exc:
            raise IssuerRefusedError(
                "issuer_unreachable", _("The issuer's discovery document could not be read (timeout or TLS error).")
            ) from exc
        finally:
            pool.close()
        if response.status != 200:
            raise IssuerRefusedError(
                "issuer_unreachable",
                _("The issuer's discovery document answered HTTP %(status)s (redirects are not followed).")
                % {"status": response.status},
            )
        if len(body) > MAX_BYTES:
            raise IssuerRefusedError("invalid_discovery", _("The issuer's discovery document is too large."))
        try:
            return json.loads(body)
        except ValueError as exc:
            raise IssuerRefusedError("invalid_discovery", _("The issuer's discovery document is not JSON.")) from exc
    raise IssuerRefusedError(
        "issuer_unreachable", _("The issuer's discovery document could not be read (connection refused).")
    ) from last_error


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def issuer_check(issuer: str) -> None:
    """The issuer's own form: no query or fragment (the URL rules are checked on the discovery URL)."""
    try:
        parts = urlsplit(issuer)
    except ValueError as exc:
        raise IssuerRefusedError("invalid_url", _("The issuer is not a valid URL.")) from exc
    if parts.query or parts.fragment:
        raise IssuerRefusedError("invalid_url", _("The issuer must not have a query or a fragment."))


def discovery_fetch(issuer: str) -> Discovery:
    """Fetch and validate `issuer`'s discovery document. Raises IssuerRefusedError saying what is wrong."""
    issuer_check(issuer)
    document = _get_json(discovery_url(issuer))
    if not isinstance(document, dict):
        raise IssuerRefusedError("invalid_discovery", _("The issuer's discovery document is not a JSON object."))
    stated = document.get("issuer")
    # OpenID Connect Discovery 4.3: the document's issuer is the one it was fetched for. A trailing slash
    # is tolerated (Auth0 issuers end with one): the URL fetched is the same.
    if not isinstance(stated, str) or stated.rstrip("/") != issuer.rstrip("/"):
        raise IssuerRefusedError(
            "issuer_mismatch",
            _("The discovery document names another issuer (%(issuer)r).") % {"issuer": str(stated)[:200]},
        )
    endpoints: dict[str, str] = {}
    for name in REQUIRED_ENDPOINTS + OPTIONAL_ENDPOINTS:
        value = document.get(name)
        if value is None and name in OPTIONAL_ENDPOINTS:
            continue
        if not isinstance(value, str) or not value:
            raise IssuerRefusedError(
                "invalid_discovery", _("The discovery document has no `%(name)s`.") % {"name": name}
            )
        url_check(value, what=_("The discovery document's `%(name)s`") % {"name": name})
        endpoints[name] = value
    methods = document.get("code_challenge_methods_supported")
    methods = [m for m in methods if isinstance(m, str)] if isinstance(methods, list) else []
    return Discovery(issuer=stated, endpoints=endpoints, code_challenge_methods=methods)
