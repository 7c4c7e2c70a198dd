"""Pure host-name rules: normalising a Host header and validating subdomains. No database here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from .reserved_names import is_reserved

_HOST_CHARS = re.compile(r"^[a-z0-9.-]+\Z")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]\Z")

SUBDOMAIN_MIN_LENGTH = 3
SUBDOMAIN_MAX_LENGTH = 63


class InvalidHostError(ValueError):
    """The Host header is not a syntactically valid host name."""


class HostKind(StrEnum):
    PUBLIC = "public"
    TENANT = "tenant"  # <label>.<base domain>
    FOREIGN = "foreign"  # outside the base domain: only a verified custom domain may match


@dataclass(frozen=True, slots=True)
class Host:
    name: str
    kind: HostKind


def normalise_host(raw: str) -> str:
    """Lower-case, without port or trailing dot. Raises InvalidHostError for anything that is not a DNS name."""
    host = raw.strip().lower()
    if host.startswith("["):  # IPv6 literal, never one of ours
        raise InvalidHostError(raw)
    host = host.rsplit(":", 1)[0] if ":" in host else host
    host = host.rstrip(".")
    if not host or len(host) > 253 or not _HOST_CHARS.match(host) or ".." in host:
        raise InvalidHostError(raw)
    return host


def classify_host(host: str, base_domain: str) -> Host:
    if host in (base_domain, f"www.{base_domain}"):
        return Host(host, HostKind.PUBLIC)
    if host.endswith(f".{base_domain}"):
        return Host(host, HostKind.TENANT)
    return Host(host, HostKind.FOREIGN)


class SubdomainProblem(StrEnum):
    INVALID = "invalid"
    RESERVED = "reserved"
    TAKEN = "taken"


SUBDOMAIN_MESSAGES = {
    # Lazy: translated into the language of the request that shows it, not the one at import time.
    SubdomainProblem.INVALID: format_lazy(
        gettext_lazy(
            "Use {min}-{max} lower-case letters, digits and hyphens, starting and ending with a letter or digit."
        ),
        min=SUBDOMAIN_MIN_LENGTH,
        max=SUBDOMAIN_MAX_LENGTH,
    ),
    SubdomainProblem.RESERVED: gettext_lazy("This subdomain is reserved. Please choose another."),
    SubdomainProblem.TAKEN: gettext_lazy("This subdomain is already taken. Please choose another."),
}


def subdomain_format_problem(subdomain: str) -> SubdomainProblem | None:
    """Why `subdomain` can never be used (bad label or reserved), or None. Availability is not checked here."""
    if not _LABEL.match(subdomain) or "--" in subdomain[2:4] or subdomain.startswith("xn--"):
        # `xx--` in positions 3-4 is reserved for IDNA and other encodings (RFC 5891); punycode invites look-alikes.
        return SubdomainProblem.INVALID
    if is_reserved(subdomain):
        return SubdomainProblem.RESERVED
    return None


def tenant_host(subdomain: str, base_domain: str) -> str:
    return f"{subdomain}.{base_domain}"


def subdomain_of(host: str | None, base_domain: str) -> str:
    """The organisation's label in a normalised `<subdomain>.<base_domain>` host (the inverse of `tenant_host`).

    "" for no host, the public host and any host outside the base domain (a custom domain has no subdomain).
    """
    if not host or classify_host(host, base_domain).kind is not HostKind.TENANT:
        return ""
    return host.removesuffix(f".{base_domain}")
