REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ("djangorestframework_camel_case.render.CamelCaseJSONRenderer",),
    "DEFAULT_PARSER_CLASSES": (
        "saas.api.parsers.JSONParser",
        "djangorestframework_camel_case.parser.CamelCaseFormParser",
        "djangorestframework_camel_case.parser.CamelCaseMultiPartParser",
    ),
    # On for every view; public endpoints opt out explicitly (authentication_classes = ()).
    "DEFAULT_AUTHENTICATION_CLASSES": ("shared_apps.memberships.authentication.TenantJWTAuthentication",),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAuthenticated",),
    "DEFAULT_PAGINATION_CLASS": "saas.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",  # with ours: EXCEPTION_HANDLER_CLASS
    "DEFAULT_SCHEMA_CLASS": "saas.api.openapi.AutoSchema",  # the error responses every operation can produce
}
DRF_STANDARDIZED_ERRORS = {
    # Maps every Django and library exception to the error shape and its status (saas/api/errors.py).
    "EXCEPTION_HANDLER_CLASS": "saas.api.errors.ExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "saas.api.errors.CamelCaseExceptionFormatter",
    # Unhandled errors become a plain 500 in the error shape, never a traceback, in every mode.
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SaaS Kit API",
    "DESCRIPTION": "Multi-tenant SaaS on Django: the public host and each organisation's host.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "CAMELIZE_NAMES": True,
    # Request and response components apart: what a client may send (writable fields, no blank names,
    # files as binary) is not what it gets back.
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is what the view's serializer requires (our PATCH views validate it whole, not partial).
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.contrib.djangorestframework_camel_case.camelize_serializer_fields",
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "DeadLetterStatusEnum": "shared_apps.operator.api.serializers.DEAD_LETTER_STATUSES",
        "PermissionEnum": "shared_apps.memberships.actions.Action",
    },
}
