"""A hot standby of a `PostgresServer`, streaming from it: the read replica the replica tests start.

`StandbyServer(primary)` takes a base backup of the running `primary` (`pg_basebackup -R`: it writes
`primary_conninfo` and `standby.signal`) instead of running initdb, and listens on a spare loopback port of
its own. Debian's initdb already lets 127.0.0.1 connect for replication (trust), and PostgreSQL 15's
defaults (wal_level=replica, max_wal_senders=10, hot_standby=on) stream without more settings.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import time

from .servers import PG_BIN, PostgresServer


class StandbyServer(PostgresServer):
    def __init__(self, primary: PostgresServer) -> None:
        super().__init__()
        self.primary = primary

    def __enter__(self) -> StandbyServer:
        super().__enter__()
        return self

    def pause_replay(self) -> None:
        """Keep receiving WAL but apply none of it: the replica falls behind the primary from now on."""
        self.psql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.psql("SELECT pg_wal_replay_resume()")

    def replay_paused(self) -> bool:
        return self.psql("SELECT pg_get_wal_replay_pause_state()") != "not paused"

    def wait_caught_up(self, timeout: float = 30.0) -> None:
        """Until this standby has replayed everything the primary has written so far."""
        target = self.primary.psql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while self.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") != "t":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay up to {target} in {timeout} s")
            time.sleep(0.05)

    def _initdb(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.data_dir, owner.pw_uid, owner.pw_gid)
            self.log.touch()
            os.chown(self.log, owner.pw_uid, owner.pw_gid)
        subprocess.run(
            self._as_owner(str(PG_BIN / "pg_basebackup"), "-D", str(self.data_dir), "-h", "127.0.0.1",
                           "-p", str(self.primary.port), "-U", "postgres", "-R", "-X", "stream", "-c", "fast",
                           "--no-sync"),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        # The primary's postgresql.conf came with the backup: the last setting of a name wins.
        settings = {"port": str(self.port), "listen_addresses": "'127.0.0.1'", "unix_socket_directories": "''"}
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._initialised = True
