"""`make bench`: timings on the full demo (126 communes of Lào Cai, 5 periods).

Runs against a throw-away SQLite database (or DATABASE_URL if set) and prints one line per
measure: the median of several runs, in milliseconds, and the page query counts.
"""

import os
import sys
import time

from bench import median_seconds, start_django


def median_ms(fn, runs=7):
    return median_seconds(fn, runs) * 1000


def main() -> int:
    started = time.perf_counter()
    start_django("ntm-bench-")
    migrate_s = time.perf_counter() - started  # Django set-up and migrating an empty database
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    call_command("setup_demo", stdout=open(os.devnull, "w"))
    setup_s = time.perf_counter() - started

    from assessments import services
    from assessments.models import IndicatorValue, Period
    from assessments.queries import programme_communes
    from criteria import engine
    from criteria.queries import current_catalog
    from units.models import AttributeName
    from units.queries import attributes_on

    period = Period.objects.get(code="2024")
    units = list(programme_communes(period.as_of))
    family = "ntm-xa-2021"
    catalog = current_catalog(family)
    regions = attributes_on([u.pk for u in units], AttributeName.REGION, period.as_of)
    values = {u.pk: {} for u in units}
    for v in IndicatorValue.objects.current().filter(period=period):
        values[v.unit_id][v.indicator] = v.value
    items = [(u.pk, engine.Context(regions[u.pk], period.as_of), values[u.pk]) for u in units]

    rows = [
        ("migrate (empty SQLite)", migrate_s * 1000, ""),
        ("setup_demo: units, criteria, all demo data (2021-2025 and 2026)", setup_s * 1000, ""),
        (f"engine: evaluate_batch with explanations, {len(units)} communes x {len(catalog)} sets",
         median_ms(lambda: engine.evaluate_batch(catalog, family, items)), ""),
        (f"engine: evaluate_statuses (what is stored), {len(units)} communes x {len(catalog)} sets",
         median_ms(lambda: engine.evaluate_statuses(catalog, family, items)), ""),
        (f"evaluate_units: evaluate and store {len(units)} communes",
         median_ms(lambda: services.evaluate_units(units, period), runs=5), ""),
    ]
    client = Client()
    client.login(username="tinh.admin", password="NongThonMoi@2025")
    sample = units[0].ref
    for label, url in (
        ("page: province dashboard (2024, old map)", "/?ky=2024"),
        ("page: province dashboard (2026, today's map)", "/"),
        ("page: commune list (filtered, sorted)", "/xa/?sap_xep=-tc&tc_min=10"),
        ("page: commune detail", f"/xa/{sample}/"),
    ):
        client.get(url)
        reset_queries()  # the debug log is capped; the setup above filled it
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        # Read the count now: every later request clears the query log (request_started).
        queries = len(ctx.captured_queries)
        rows.append((label, median_ms(lambda url=url: client.get(url)), f"{queries} queries"))

    width = max(len(r[0]) for r in rows)
    print(f"NTM bench ({connection.vendor})")
    for label, ms, extra in rows:
        print(f"  {label:<{width}}  {ms:9.1f} ms  {extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
