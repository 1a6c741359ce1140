"""Benchmarks (`make bench`). Each runs in a throw-away data folder (or DATABASE_URL if set)."""

import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(prefix: str) -> Path:
    """Set up Django on a new temporary data folder and migrate it; returns the folder."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["NTM_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return tmp


def median_seconds(fn, runs: int = 5, before=None) -> float:
    """The median wall time of `runs` calls of fn, in seconds; `before` (untimed) runs before each."""
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server the bench starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
