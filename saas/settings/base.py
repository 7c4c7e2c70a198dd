from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set. Set it (50+ random characters) or DJANGO_DEBUG=true.")

SHARED_APPS = [
    "django_tenants",  # must come first: it provides the tenant-aware `migrate`
    "tenants",
    "shared_apps.accounts",
    "shared_apps.memberships",
    "shared_apps.audit",
    "shared_apps.operator",
    "shared_apps.billing",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_standardized_errors",
    # Accounts are global: allauth's EmailAddress rows live in the public schema with the users.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Social login (GitHub, Google, any OpenID Connect provider): accounts live in the public schema too.
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.headless",
]
# Each organisation's own data. Add your app here (see README, "Add a tenant app").
TENANT_APPS = [
    "tenant_apps.projects",
    "tenant_apps.files",
    "tenant_apps.exports",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "saas.middleware.logging.RequestContextMiddleware",  # request id on every log line, even routing errors
    # The language (Accept-Language, which the frontend sets to the chosen one) before anything answers,
    # so every message is translated, the 503s and 402s of the middleware below included.
    "django.middleware.locale.LocaleMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # collected static files: no tenant, no database
    "tenants.middleware.TenantRoutingMiddleware",  # everything after it runs in the tenant's schema
    # right after routing: an old host answers 301 (or 404) before anything counts or runs
    "tenants.redirects.DomainRedirectMiddleware",
    "shared_apps.operator.usage.UsageCountingMiddleware",  # one cache INCR per API request actually served
    # before any view (and the 402 below): an impersonation's limits apply first, and refusals are audited
    "shared_apps.operator.impersonation_middleware.ImpersonationMiddleware",
    "shared_apps.billing.middleware.ReadOnlyWhenUnpaidMiddleware",  # 402 on writes past the grace period
    "saas.middleware.logging.TenantContextMiddleware",  # tenant id on every log line
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "saas.middleware.errors.ErrorShapeMiddleware",  # non-DRF views: hostile bodies and dependencies down
]

ROOT_URLCONF = "saas.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "saas.urls_public"
WSGI_APPLICATION = "saas.wsgi.application"
ASGI_APPLICATION = "saas.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Argon2id first (OWASP's recommendation); the others stay so old hashes still verify and get upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The frontend's languages (frontend/src/i18n/config.ts); our messages' catalogs live in locale/.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
