"""CPU per request of the national pages, in-process (issue #11, P2), on an existing database.

wrk figures on a shared, noisy machine move with the neighbours' load; CPU time does not (much).
This runs the production request path (DEBUG off, the production middleware and cached template
loaders, the WSGI handler through Django's test Client) against DATABASE_URL, which must hold the
national demo (`manage.py setup_demo --scale national`, or a copy of the bench's database), and
prints for the login page and the four pages of bench/national.py's P2:
- Python CPU per request (time.process_time; the best of 15 rounds of N requests, pages
  interleaved, as neighbours on a shared machine only ever add time),
- the PostgreSQL backend's CPU per request (Linux /proc of the session's backend process, the
  mean over all rounds; a backend started for the request counts its start-up too, not the
  fork), so fewer queries show,
- wall time per request and the query count (country, and the province in brackets).

    DATABASE_URL=postgres://...:5432/ntm_x NTM_PROVINCE_REFS="" python -m bench.pages_cpu [-n 50] [--rounds 15]
        [--profile dashboard|list|middle|commune|login] [--conn-max-age 0]

--profile prints cProfile's top functions (cumulative) for that page instead.
--conn-max-age: DATABASE_CONN_MAX_AGE for the run (default: what the settings use).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/tai-khoan/dang-nhap/"
ROUNDS = 15


def _production_env(conn_max_age: str | None) -> None:
    os.environ.update(
        DJANGO_DEBUG="0", NTM_STATIC_HASHED="0", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0", DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "x" * 50,
    )
    os.environ.setdefault("NTM_PROVINCE_REFS", "")
    os.environ.pop("REDIS_URL", None)  # as bench/national.py's P2: the workers' own memory cache
    os.environ.pop("CACHE_URL", None)
    if conn_max_age is not None:
        os.environ["DATABASE_CONN_MAX_AGE"] = conn_max_age
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database holding the national demo")


class BackendClock:
    """CPU seconds used by the PostgreSQL backends of this process's connections (same machine)."""

    def __init__(self):
        from django.core.signals import request_finished
        from django.db import close_old_connections, connection

        self.connection = connection
        self.total = 0.0
        self.seen: dict[int, float] = {}
        self.tick = os.sysconf("SC_CLK_TCK")
        # Sample before Django closes a per-request connection at the end of the request.
        request_finished.disconnect(close_old_connections)
        request_finished.connect(self.sample)
        request_finished.connect(close_old_connections)

    def _cpu(self, pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self.tick

    def sample(self, **kwargs):
        raw = self.connection.connection
        if raw is None or raw.closed:
            return
        pid = raw.info.backend_pid
        now = self._cpu(pid)
        self.total += now - self.seen.get(pid, 0.0)
        self.seen[pid] = now


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50, help="requests per page and round")
    parser.add_argument("--profile", choices=["login", "dashboard", "list", "middle", "commune"])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--conn-max-age")
    args = parser.parse_args()
    _production_env(args.conn_max_age)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.models import Period
    from assessments.queries import programme_communes
    from dashboard.areas import COUNTRY, PROVINCE_PREFIX
    from units.models import Unit, UnitKind

    assert not settings.DEBUG
    period = Period.objects.get(code="2024")
    user = get_user_model().objects.filter(username="bench-pages").first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench-pages", "bench@example.invalid", None)
    national = list(programme_communes(period.as_of).order_by("name"))
    province = Unit.objects.filter(kind=UnitKind.PROVINCE, valid_from__isnull=True).order_by("code").first()
    in_province = programme_communes(period.as_of, province).count()
    commune = national[len(national) // 2].ref

    def pages(area, count):
        middle = max(1, (count // 25) // 2)
        return {
            "dashboard": f"/?ky=2024&pham-vi={area}",
            "list": f"/xa/?ky=2024&pham-vi={area}",
            "middle": f"/xa/?ky=2024&pham-vi={area}&trang={middle}",
            "commune": f"/xa/{commune}/?ky=2024",
        }

    country_urls = {"login": LOGIN, **pages(COUNTRY, len(national))}
    province_urls = {"login": LOGIN, **pages(PROVINCE_PREFIX + province.ref, in_province)}
    client = Client()
    client.force_login(user)
    anonymous = Client()

    def get(name, url):
        response = (anonymous if name == "login" else client).get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def queries(name, url):
        get(name, url)
        with CaptureQueriesContext(connection) as ctx:
            get(name, url)
        return len(ctx.captured_queries)

    if args.profile:
        import cProfile
        import pstats

        url = country_urls[args.profile]
        for _ in range(20):
            get(args.profile, url)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.n):
            get(args.profile, url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        return 0

    clock = BackendClock()
    print(f"pages_cpu: {len(national)} communes in the country, {in_province} in {province.name}; "
          f"{args.n} requests x {args.rounds} rounds, pages interleaved; CONN_MAX_AGE "
          f"{settings.DATABASES['default']['CONN_MAX_AGE']}; cache {'on' if settings.NTM_DASHBOARD_CACHE else 'off'}; "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, url in country_urls.items():
        for _ in range(20):
            get(name, url)
    samples = {name: [] for name in country_urls}
    # Interleaved rounds: a neighbour's load drifting during the run weighs on every page alike.
    for _ in range(args.rounds):
        for name, url in country_urls.items():
            clock.total = 0.0
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(args.n):
                get(name, url)
            samples[name].append(((time.process_time() - c0) / args.n, clock.total / args.n,
                                  (time.perf_counter() - w0) / args.n))
    # Python: the best round of each page (on a shared machine the neighbours only ever add
    # time); PostgreSQL: the mean of every round (its CPU is counted in 10 ms ticks).
    results = {name: (min(r[0] for r in rows), sum(r[1] for r in rows) / len(rows), min(r[2] for r in rows))
               for name, rows in samples.items()}
    base = results["login"][0] + results["login"][1]
    print(f"  {'page':<10} {'CPU ms':>7} {'PG ms':>6} {'sum':>6} {'x login':>7} {'wall ms':>8}  queries (province)")
    for name, url in country_urls.items():
        c, p, w = results[name]
        print(f"  {name:<10} {c * 1000:7.2f} {p * 1000:6.2f} {(c + p) * 1000:6.2f} {(c + p) / base:6.1f}x "
              f"{w * 1000:8.2f}  {queries(name, url)} ({queries(name, province_urls[name])})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
