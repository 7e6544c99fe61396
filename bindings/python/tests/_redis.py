"""A real ``redis-server`` for one test (Debian's package, which ``cargo xtask test``
installs): on a Unix socket in a temporary folder, without persistence, stopped after."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.socket = folder / "redis.sock"
        binary = os.environ.get("REDIS_SERVER", "redis-server")
        self._process = subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._process.stdout is not None
        # Its log says when it listens: the readiness signal.
        for line in self._process.stdout:
            if "ready to accept connections" in line.lower():
                break
        else:
            raise RuntimeError("redis-server exited before it was ready")
        # Keep draining the log so that it never blocks on a full pipe.
        self._drain = threading.Thread(target=self._process.stdout.read, daemon=True)
        self._drain.start()

    @property
    def url(self) -> str:
        return f"redis+unix://{self.socket}"

    def pause(self) -> None:
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        self._process.kill()
        self._process.wait()
        self._drain.join()
        assert self._process.stdout is not None
        self._process.stdout.close()
