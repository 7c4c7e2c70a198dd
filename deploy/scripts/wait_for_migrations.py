"""Waits until every migration of the public schema is applied (the bootstrap Job has run), then exits 0.

Used as the web pods' init container so no web process serves a schema older than its code; exits 1
after `--timeout` seconds (the pod restarts and tries again). Run from the project root.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")

import django


def pending() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    django.setup()
    from django.db import DatabaseError, connection

    deadline = time.monotonic() + args.timeout
    while True:
        try:
            left = pending()
        except DatabaseError as exc:
            left = [f"(database not ready: {exc.__class__.__name__})"]
        finally:
            connection.close()
        if not left:
            print("migrations: up to date")
            return 0
        if time.monotonic() > deadline:
            print(f"migrations still pending: {', '.join(left[:10])}", file=sys.stderr)
            return 1
        time.sleep(3)


if __name__ == "__main__":
    sys.exit(main())
