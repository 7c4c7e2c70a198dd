import pytest

from tenants.hosts import (
    HostKind,
    InvalidHostError,
    SubdomainProblem,
    classify_host,
    normalise_host,
    subdomain_format_problem,
    subdomain_of,
)
from tenants.reserved_names import RESERVED_SUBDOMAINS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.localhost", "acme.localhost"),
        ("ACME.LocalHost", "acme.localhost"),
        ("acme.localhost.", "acme.localhost"),
        ("acme.localhost:3000", "acme.localhost"),
        ("Acme.Localhost.:8000", "acme.localhost"),
        ("  acme.localhost ", "acme.localhost"),
        ("localhost", "localhost"),
    ],
)
def test_normalise_host(raw: str, expected: str) -> None:
    assert normalise_host(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        ":80",
        ".",
        "[::1]:8000",
        "acme..localhost",
        "ac me.localhost",
        "acme_x.localhost",
        "évil.localhost",
        "a" * 254,
    ],
)
def test_normalise_host_refuses_what_is_not_a_host_name(raw: str) -> None:
    with pytest.raises(InvalidHostError):
        normalise_host(raw)


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("localhost", HostKind.PUBLIC),
        ("www.localhost", HostKind.PUBLIC),
        ("acme.localhost", HostKind.TENANT),
        ("a.b.localhost", HostKind.TENANT),  # routed like any tenant host: no such domain -> 404
        ("example.com", HostKind.FOREIGN),
        ("notlocalhost", HostKind.FOREIGN),
        ("acme.localhost.evil.com", HostKind.FOREIGN),
    ],
)
def test_classify_host(host: str, kind: HostKind) -> None:
    assert classify_host(host, "localhost").kind is kind


def test_reserved_list_is_long_and_has_the_names_everyone_expects() -> None:
    assert len(RESERVED_SUBDOMAINS) >= 150
    for name in [
        "www",
        "api",
        "admin",
        "app",
        "auth",
        "billing",
        "blog",
        "cdn",
        "docs",
        "help",
        "login",
        "mail",
        "static",
        "status",
        "support",
        "admins",
        "blogs",
        "apis",
        "statuses",
    ]:
        assert name in RESERVED_SUBDOMAINS, name


@pytest.mark.parametrize("name", sorted(RESERVED_SUBDOMAINS))
def test_every_reserved_name_is_refused(name: str) -> None:
    # Short reserved names (m, mx, ns) already fail the length rule; the rest are refused as reserved.
    expected = SubdomainProblem.INVALID if len(name) < 3 else SubdomainProblem.RESERVED
    assert subdomain_format_problem(name) is expected


@pytest.mark.parametrize(
    "label",
    [
        "ab",  # too short
        "a" * 64,  # too long
        "-acme",
        "acme-",
        "ac_me",
        "ac.me",
        "ac me",
        "Acme",  # callers lower-case first; the rule itself is strict
        "café",
        "\uff41\uff43\uff4d\uff45",  # full-width letters
        "xn--80ak6aa92e",  # punycode: look-alike domains
        "ab--cd",  # RFC 5891 reserves '--' in positions 3 and 4
        "",
    ],
)
def test_bad_labels_are_invalid(label: str) -> None:
    assert subdomain_format_problem(label) is SubdomainProblem.INVALID


@pytest.mark.parametrize("label", ["acme", "a-b-c", "abc", "123", "a" * 63, "acme-corp-2", "a--b"])
def test_good_labels_pass(label: str) -> None:
    assert subdomain_format_problem(label) is None


@pytest.mark.parametrize(
    ("host", "base", "expected"),
    [
        ("acme.localhost", "localhost", "acme"),
        ("acme-corp.example.com", "example.com", "acme-corp"),
        ("example.com", "example.com", ""),  # the public host
        ("www.example.com", "example.com", ""),
        ("acme.other.org", "example.com", ""),  # a custom domain has no subdomain
        ("", "example.com", ""),
        (None, "example.com", ""),
    ],
)
def test_subdomain_of(host: str | None, base: str, expected: str) -> None:
    assert subdomain_of(host, base) == expected
