"""The Celery app. Tasks run in the schema of the organisation that queued them (tenant-schemas-celery)."""

import os

from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")

# Every task gets the project's base class: tenant checks, acks_late, bounded retries on transient errors.
app = CeleryApp("saas", task_cls="tenants.celery_tasks:ProjectTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# tenant-schemas-celery switches back to `public` after every task. The next task's pre-run switch sets
# the schema it needs anyway, so switching back only costs an extra `SET search_path` per task.
task_postrun.disconnect(dispatch_uid="tenant_schemas_restore_schema")
# The switch itself runs in the task base class's prelude instead (tenants/celery_tasks.py): in a signal,
# a database error is only logged, and the task would go on in the previous task's schema.
task_prerun.disconnect(dispatch_uid="tenant_schemas_switch_schema")

try:  # Development broker only: poll the database often so a round trip is not a whole second.
    from kombu.transport.sqlalchemy import Transport as _SqlaTransport

    # A class attribute on purpose: passing it in broker_transport_options reaches create_engine and crashes.
    _SqlaTransport.polling_interval = 0.05
except ImportError:  # SQLAlchemy is a development dependency
    pass
