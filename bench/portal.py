"""`make bench` (public portal): the public province page (/cong-khai/) served by the production
server (gunicorn with config/gunicorn.py, as `make serve` starts it) on the full demo, under a
load generator for 10 s at 50 connections. Prints throughput, latency percentiles and errors.
Target (issue 14): p95 under 100 ms and no error on a 2-core machine.

The load generator is wrk when it is installed (`apt-get install -y wrk`: C, one thread per core,
never the bottleneck); otherwise a small asyncio generator in this process (it says so). The
database is a throw-away SQLite file (or DATABASE_URL); the cache is the workers' own memory
unless REDIS_URL/CACHE_URL is set (as `make serve` sets it). Options: --seconds, --connections,
--path.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import ROOT, free_port, start_django

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %.3f %.3f %.3f %.3f\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""




def start_gunicorn(port: int, data_dir: Path, secret: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "NTM_DATA_DIR": str(data_dir),
        "NTM_BIND": f"127.0.0.1:{port}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "NTM_STATIC_HASHED": "0",  # no collectstatic for a page benchmark (static names only)
        "NTM_DEMO": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(gunicorn), "-c", "config/gunicorn.py", "config.wsgi"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def server_cpu_seconds(master: int) -> float | None:
    """User + system CPU time of the gunicorn master and its workers so far (Linux /proc), or None."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry) == master or int(fields[1]) == master:  # fields[1]: the parent pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick
    except (OSError, ValueError):
        return None


def wait_ready(url: str, server: subprocess.Popen, timeout: float = 60) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + server.stderr.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT)
        script = fh.name
    try:
        threads = min(2, connections)
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                              "-s", script, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    parts = line.split()[1:]
    requests, duration_us = int(parts[0]), int(parts[1])
    connect, read, write, status, timeout = (int(x) for x in parts[2:7])
    p50, p95, p99, worst = (float(x) for x in parts[7:11])
    return {"generator": "wrk", "requests": requests, "seconds": duration_us / 1e6,
            "errors": connect + read + write + status + timeout,
            "error_detail": f"connect {connect}, read {read}, write {write}, non-2xx {status}, timeout {timeout}",
            "p50": p50, "p95": p95, "p99": p99, "max": worst}


async def _client(host: str, port: int, path: str, stop: float, latencies: list, errors: list) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: ntm-bench\r\nConnection: close\r\n\r\n".encode()
    while time.perf_counter() < stop:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            data = await asyncio.wait_for(reader.read(), timeout=5)
            writer.close()
            if not data.startswith(b"HTTP/1.1 200") and not data.startswith(b"HTTP/1.0 200"):
                errors.append(data[:40])
                continue
        except (TimeoutError, OSError) as exc:
            errors.append(repr(exc))
            continue
        latencies.append((time.perf_counter() - started) * 1000)


def run_python(host: str, port: int, path: str, seconds: int, connections: int) -> dict:
    latencies: list[float] = []
    errors: list = []

    async def main():
        stop = time.perf_counter() + seconds
        await asyncio.gather(*(_client(host, port, path, stop, latencies, errors) for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {"generator": "python asyncio (wrk not installed)", "requests": len(latencies) + len(errors),
            "seconds": elapsed, "errors": len(errors), "error_detail": f"{len(errors)} failed requests",
            "p50": q[49], "p95": q[94], "p99": q[98], "max": latencies[-1] if latencies else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--path", default="/cong-khai/")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the same load on /healthz (answered before Django's stack: the "
                             "server's own ceiling on this machine at this moment)")
    parser.add_argument("--data-dir", type=Path,
                        help="an existing data folder with the demo (kept; default: a new one, set up and removed)")
    args = parser.parse_args()

    if args.data_dir:
        data_dir = args.data_dir.resolve()
        os.environ["NTM_DATA_DIR"] = str(data_dir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
    else:
        data_dir = start_django("ntm-bench-portal-")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    if not args.data_dir:
        call_command("setup_demo", stdout=open(os.devnull, "w"))
    connections.close_all()
    port = free_port()
    url = f"http://127.0.0.1:{port}{args.path}"
    server = start_gunicorn(port, data_dir, settings.SECRET_KEY)
    try:
        page = wait_ready(url, server)
        assert b'id="kpi-communes"' in page, "the public province page shows no figures"
        workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * os.cpu_count() + 1)

        def load_test(path, seconds=args.seconds):
            if shutil.which("wrk"):
                return run_wrk(f"http://127.0.0.1:{port}{path}", seconds, args.connections)
            return run_python("127.0.0.1", port, path, seconds, args.connections)

        # Warm-up, not measured: gunicorn loads the application in each worker on its first
        # request, and each worker fills its own cache (with Redis they share one).
        load_test(args.path, seconds=3)
        load = os.getloadavg()[0]
        cpu_before = server_cpu_seconds(server.pid)
        result = load_test(args.path)
        cpu_after = server_cpu_seconds(server.pid)
        baseline = None
        if not args.no_baseline:
            base_before = server_cpu_seconds(server.pid)
            baseline = load_test("/healthz")
            base_after = server_cpu_seconds(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
    throughput = result["requests"] / result["seconds"]
    ok = result["p95"] < 100 and result["errors"] == 0
    extra = os.environ.get("GUNICORN_CMD_ARGS")
    print(f"public province page {args.path} on gunicorn ({f'GUNICORN_CMD_ARGS={extra!r}' if extra else f'{workers} workers'}, {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
          f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}), {result['generator']}, "
          f"{args.connections} connections, {args.seconds} s:")
    print(f"  throughput {throughput:.0f} requests/s ({result['requests']} requests)")
    print(f"  latency p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms, "
          f"max {result['max']:.1f} ms (target p95 < 100 ms)")
    if cpu_before is not None and cpu_after is not None and result["requests"]:
        per_request = (cpu_after - cpu_before) * 1000 / result["requests"]
        print(f"  server CPU {per_request:.2f} ms per request (gunicorn and Django, all workers): "
              f"about {os.cpu_count() * 1000 / per_request:.0f} requests/s if the {os.cpu_count()} cores were its own")
    print(f"  errors {result['errors']} ({result['error_detail']}) (target 0)")
    print(f"  {'target met' if ok else 'TARGET MISSED'} (load average {load:.1f} on {os.cpu_count()} cores "
          "when the run started)")
    if baseline is not None:
        print(f"  same load on /healthz (no view, no template): {baseline['requests'] / baseline['seconds']:.0f} "
              f"requests/s, p95 {baseline['p95']:.1f} ms, errors {baseline['errors']}"
              + (f", server CPU {(base_after - base_before) * 1000 / baseline['requests']:.2f} ms per request"
                 if base_before is not None and base_after is not None and baseline["requests"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
