"""Runs localstripe (a stateful fake Stripe: customers, subscriptions, invoices) on 127.0.0.1:<port>.

`python -m tests.fakes.localstripe_server PORT`. Unlike its own command, it keeps its state in memory
only (localstripe otherwise pickles everything to a fixed /tmp file shared by every run on the machine)
and listens on loopback only.
"""

from __future__ import annotations

import sys

from aiohttp import web
from localstripe import resources
from localstripe.server import app


def main() -> None:
    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
