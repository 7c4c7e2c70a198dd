from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.billing.services import billing_reconcile


class Command(BaseCommand):
    help = "Re-sync every organisation's subscription from Stripe and re-run unprocessed Stripe events."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = billing_reconcile()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
