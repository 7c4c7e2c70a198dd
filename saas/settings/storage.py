from botocore.config import Config

from .env import BASE_DIR, env

# Organisation files. With a bucket: S3 (or compatible) through django-storages, objects private and
# served by presigned URLs. Without: the local filesystem under .data/media, same key layout, served
# through signed, expiring URLs by the API itself (development).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_DEFAULT_ACL = None  # private objects: never public-read
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = 900  # presigned URLs live 15 minutes at most
AWS_S3_FILE_OVERWRITE = False
AWS_S3_SIGNATURE_VERSION = "s3v4"
# Bounded waits on S3 (issue 12, item 6). botocore's defaults (60 s connect, 60 s read, retried) held a
# request 150 s against a black-holed endpoint. Worst case per S3 call now: 2 attempts x (2 s + 5 s)
# plus standard-mode backoff (under 0.05 s for connection errors) = about 14 s, inside the 20 s a request
# may be held (tests/faults/test_timeouts.py). A read timeout is per socket read, not per transfer:
# large uploads are not cut short.
AWS_S3_CONNECT_TIMEOUT_SECONDS = 2
AWS_S3_READ_TIMEOUT_SECONDS = 5
# The first try included: botocore's `total_max_attempts` (its `max_attempts` counts retries only).
AWS_S3_MAX_ATTEMPTS = 2
# Giving django-storages a Config replaces the one it builds: the signature version is set here too.
AWS_S3_CLIENT_CONFIG = Config(
    signature_version=AWS_S3_SIGNATURE_VERSION,
    connect_timeout=AWS_S3_CONNECT_TIMEOUT_SECONDS,
    read_timeout=AWS_S3_READ_TIMEOUT_SECONDS,
    retries={"mode": "standard", "total_max_attempts": AWS_S3_MAX_ATTEMPTS},
)

# Multipart uploads left incomplete (their own abort could not reach S3) are aborted by the hourly
# `files.multipart_cleanup` once older than this; the bucket's lifecycle rule (deploy/s3/lifecycle.json)
# aborts them after a day in any case.
STORAGE_MULTIPART_MAX_AGE_HOURS = env.int("STORAGE_MULTIPART_MAX_AGE_HOURS", default=6)

MEDIA_ROOT = BASE_DIR / ".data" / "media"
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage"}
        if AWS_STORAGE_BUCKET_NAME
        else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: size cap and allowed types.
FILE_UPLOAD_MAX_BYTES = env.int("FILE_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_CONTENT_TYPES = env.list(
    "FILE_CONTENT_TYPES",
    default=[
        "application/pdf", "application/zip", "application/json", "text/plain", "text/csv", "text/markdown",
        "image/png", "image/jpeg", "image/gif", "image/webp",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)  # fmt: skip
# The per-tenant quota comes from ENTITLEMENTS (saas/settings/billing.py).
# Periodic per-tenant tasks are spread over this many seconds so thousands of tenants don't fire at once.
TENANT_TASK_SPREAD_SECONDS = env.int("TENANT_TASK_SPREAD_SECONDS", default=300)
