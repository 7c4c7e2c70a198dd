"""Fixtures of the social login tests (GitHub and Google fakes, a browser): see social_helpers.py."""

from .social_helpers import _github_server, _google_server, browser, providers

__all__ = ["_github_server", "_google_server", "browser", "providers"]
