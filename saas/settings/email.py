from .env import env

# EMAIL_URL (smtp://user:pass@host:port, smtp+tls://..., consolemail://) becomes Django 6.1's MAILERS.
# Empty counts as unset (the development .env.example leaves it empty for `make dev`'s mail catcher).
_email = env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://")
# Seconds for the SMTP connect and for each reply (issue 12, item 6): a black-holed mail server fails the
# send (SMTPServerDisconnected, retried by the task) instead of holding a worker for the OS's TCP timeout.
# Mail is sent by the worker, never inside a request. MAILERS' own option: Django 6.1 refuses
# EMAIL_TIMEOUT next to MAILERS.
SMTP_TIMEOUT_SECONDS = 10
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER") or None,
    "password": _email.get("EMAIL_HOST_PASSWORD") or None,
    "use_tls": bool(_email.get("EMAIL_USE_TLS")),
    "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
    "timeout": SMTP_TIMEOUT_SECONDS,
}
_backend = _email["EMAIL_BACKEND"]
MAILERS = {
    "default": {
        "BACKEND": _backend,
        "OPTIONS": _smtp_options if _backend.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SaaS Kit <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
