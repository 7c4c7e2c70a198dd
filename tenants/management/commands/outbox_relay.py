"""Publish the outbox's waiting tasks: once, or in a loop (a relay process of its own, next to beat)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from tenants.outbox import outbox_pending, outbox_relay


class Command(BaseCommand):
    help = "Publish tasks the outbox holds because the broker refused them (beat also does this every 5 s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep relaying every --interval seconds")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args: Any, loop: bool = False, interval: float = 2.0, **options: Any) -> None:
        while True:
            try:
                sent = outbox_relay()
                waiting = outbox_pending()
            except DatabaseError as exc:
                if not loop:
                    raise CommandError(f"outbox: the database is unavailable ({exc}); check DATABASE_URL") from exc
                # A relay process outlives a database restart: drop the dead connection and try again.
                self.stderr.write(f"outbox: database unavailable ({exc}); retrying in {interval} s")
                connections.close_all()
                time.sleep(interval)
                continue
            if sent or waiting or not loop:
                self.stdout.write(f"outbox: {sent} published, {waiting} waiting")
                if waiting and not loop:
                    self.stdout.write("The broker refused some: check CELERY_BROKER_URL, then run this again.")
            if not loop:
                return
            time.sleep(interval)
