"""What the exports app announces, so that apps above it react without being called (issue 13)."""

from django.dispatch import Signal

# Sent, once the transaction commits, when an export is done or has failed. sender: the Export model;
# kwargs: tenant (Tenant), export (Export), status (Export.Status.DONE or FAILED). Receivers run in the
# organisation's schema.
export_finished = Signal()
