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
# The per-tenant quota, STORAGE_LIMIT_FUNCTION, is set by the billing settings (saas/settings/billing.py).
# Periodic per-tenant tasks are spread over this many seconds so thousands of tenants don't fire at once.
TENANT_TASK_SPREAD_SECONDS = env.int("TENANT_TASK_SPREAD_SECONDS", default=300)
