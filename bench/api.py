"""`make bench` (API): the values endpoint for one province period (in one reply, and walked
page by page with the keyset cursor), and one commune's batch write through POST /api/values,
in-process on the full demo. Targets (issue 15): under 100 ms and under 50 ms. Each figure is
the median wall time and, in brackets, the median CPU time of the process (what the request
costs when the machine is shared: wall time grows with the load, CPU time does not)."""

import json
import os
import statistics
import sys
import time

from bench import start_django


def main() -> int:
    start_django("ntm-bench-api-")
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("setup_demo", stdout=open(os.devnull, "w"))
    settings.NTM_API_RATE_LIMIT = 0

    from django.contrib.auth import get_user_model

    from api import tokens
    from assessments.models import IndicatorValue, Period
    from assessments.services import ensure_period

    admin = get_user_model().objects.get(username="tinh.admin")
    _token, raw = tokens.create_token(admin, "bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    period = Period.objects.get(code="2024")

    def read():
        response = client.get("/api/values", {"period": period.code, "page_size": 10000})
        assert response.status_code == 200, response.content[:300]
        return response

    def timed(fn, runs=7):
        wall, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        return statistics.median(wall), statistics.median(cpu)

    def walk():
        cursor, rows = "", 0
        while True:
            params = {"period": period.code, "page_size": 1000, **({"cursor": cursor} if cursor else {})}
            body = json.loads(client.get("/api/values", params).content)
            rows += len(body["results"])
            cursor = body["next_cursor"]
            if not cursor:
                return rows

    count = len(json.loads(read().content)["results"])
    assert walk() == count
    read_ms, read_cpu = timed(read)
    walk_ms, walk_cpu = timed(walk)

    # A full batch per commune into a fresh period: every value new, evaluation recomputed.
    source = Period.objects.get(code="2026")
    target = ensure_period(2027)
    rows = {}
    for ref, code, number, boolean in IndicatorValue.objects.filter(period=source, is_current=True).values_list(
            "unit__ref", "indicator", "number", "boolean"):
        rows.setdefault(ref, {})[code] = boolean if number is None else format(number.normalize(), "f")
    refs = iter(sorted(rows)[:7])

    def write():
        ref = next(refs)
        body = json.dumps({"values": rows[ref], "source": "bench"})
        response = client.post(f"/api/values/{ref}/{target.code}", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]

    write_ms, write_cpu = timed(write)
    size = len(next(iter(rows.values())))
    print(f"api values read, province period ({count} values): {read_ms:.1f} ms "
          f"[cpu {read_cpu:.1f} ms] (target < 100)")
    print(f"api values read, same period by cursor, pages of 1000: {walk_ms:.1f} ms [cpu {walk_cpu:.1f} ms]")
    print(f"api batch write, one commune (~{size} values): {write_ms:.1f} ms [cpu {write_cpu:.1f} ms] "
          "(target < 50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
