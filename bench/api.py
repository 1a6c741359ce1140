"""`make bench` (API): the values endpoint for one province period, and one commune's batch
write through POST /api/values, in-process on the full demo. Targets (issue 15): under 100 ms
and under 50 ms."""

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

    count = len(json.loads(read().content)["results"])
    times = []
    for _ in range(7):
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000)
    read_ms = statistics.median(times)

    # A full batch per commune into a fresh period: every value new, evaluation recomputed.
    source = Period.objects.get(code="2026")
    target = ensure_period(2027)
    rows = {}
    for ref, code, number, boolean in IndicatorValue.objects.filter(period=source, is_current=True).values_list(
            "unit__ref", "indicator", "number", "boolean"):
        rows.setdefault(ref, {})[code] = boolean if number is None else format(number.normalize(), "f")
    refs = sorted(rows)[:7]
    times = []
    for ref in refs:
        body = json.dumps({"values": rows[ref], "source": "bench"})
        started = time.perf_counter()
        response = client.post(f"/api/values/{ref}/{target.code}", body, content_type="application/json")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
    write_ms = statistics.median(times)
    print(f"api values read, province period ({count} values): {read_ms:.1f} ms (target < 100)")
    print(f"api batch write, one commune ({len(rows[refs[0]])} values): {write_ms:.1f} ms (target < 50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
