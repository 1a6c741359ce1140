"""`make bench` (finance part): a province-year of money.

Builds, with the services, a new-map province of 100 communes with 2,000 projects, each funded
from 3 sources (6,000 allocations) and disbursed monthly January-November (66,000 monthly
figures), then measures (median of several runs):
  (a) the finance dashboard page in-process (test client), target under 100 ms, and its queries;
  (b) the treasury import of the year's December file (6,000 rows) in-process, each run on a fresh
      copy of the database; (c) the bare openpyxl read of the same file (read-only, values only).
Target: (b) within 2x (c). (d) prints the floor of the writes (b) must make, with bare sqlite3.
"""

import datetime
import shutil
import sqlite3
import sys
import time

from bench import median_seconds, start_django

PROJECTS, COMMUNES, SOURCES = 2000, 100, ("nstw-dtpt", "nsdp-xa", "dan-gop")
YEAR = 2026
MILLION = 1_000_000




def build():
    from conftest import make_new_province
    from finance import services
    from finance.models import Component, Programme, Source

    services.sync_reference()
    province, communes = make_new_province(COMMUNES, ref="98")
    programme = Programme.objects.get(code="mtqg-2026")
    component = Component.objects.get(programme=programme, code="ha-tang")
    lines = [services.set_plan_line(province=province, year=YEAR, programme=programme, component=component,
                                    source=Source.objects.get(code=code), amount=PROJECTS * 1000 * MILLION,
                                    decision_number="1/QĐ-UBND (bench)", decision_date=datetime.date(YEAR, 1, 5))
             for code in SOURCES]
    projects = services.create_projects([
        services.ProjectSpec(unit=communes[i % COMMUNES], code=f"B{i:05d}", name=f"Công trình {i}",
                             total_investment=3000 * MILLION)
        for i in range(PROJECTS)])
    allocations = services.allocate_many(
        [services.AllocationSpec(p, line, (500 + (i * 37) % 500) * MILLION)
         for i, p in enumerate(projects) for line in lines],
        decision_number="2/QĐ-UBND (bench)", decision_date=datetime.date(YEAR, 1, 20))
    from finance.models import Allocation

    allocations = list(Allocation.objects.select_related("plan_line__source", "project").order_by("pk"))
    for month in range(1, 12):
        services.record_disbursements([
            services.DisbursementEntry(a, datetime.date(YEAR, month, 1), a.amount * month // 13 // MILLION * MILLION)
            for a in allocations], origin="bench")
    rows = [(a.project.code, a.project.name, "mtqg-2026", "ha-tang", a.plan_line.source.code,
             a.amount * 12 // 13 // MILLION * MILLION) for a in allocations]
    return province, rows


def floor_writes(db_path: str, content: bytes) -> int:
    """The least the import must do after reading the file, with bare sqlite3: look up the
    allocations and their latest figures, insert one row per allocation and one audit record."""
    import io
    import json

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    values = [r for r in wb["GiaiNgan"].iter_rows(min_row=6, max_col=6, values_only=True)]
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    ids = {(code, src): (pk, amount) for pk, code, src, amount in con.execute(
        "SELECT a.id, p.code, s.code, a.amount FROM finance_allocation a JOIN finance_project p ON p.id = a.project_id "
        "JOIN finance_planline l ON l.id = a.plan_line_id JOIN finance_source s ON s.id = l.source_id "
        "WHERE l.year = ?", [YEAR])}
    latest = {pk: c for pk, c in con.execute(
        "SELECT allocation_id, cumulative FROM finance_disbursement WHERE month = ?", [f"{YEAR}-11-01"])}
    now = datetime.datetime.now(datetime.UTC).isoformat()
    new = []
    for code, _name, _prog, _comp, src, cumulative in values:
        pk, amount = ids[(code, src)]
        if cumulative > amount:
            raise ValueError(code)
        new.append((pk, f"{YEAR}-12-01", cumulative, cumulative - latest.get(pk, 0), now))
    con.executemany("INSERT INTO finance_disbursement (allocation_id, month, cumulative, amount, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?)", new)
    con.execute("INSERT INTO audit_auditrecord (at, action, object_type, object_id, before, after, reason) "
                "VALUES (?, 'finance.disbursement', 'disbursement', 'treasury', NULL, ?, '')",
                [now, json.dumps({"created": len(new)})])
    con.execute("ROLLBACK")
    con.close()
    return len(new)


def main() -> int:
    tmp = start_django("ntm-bench-finance-")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, connections, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from finance import treasury

    started = time.perf_counter()
    _province, rows = build()
    build_s = time.perf_counter() - started
    content = treasury.template_bytes(rows, year=YEAR, month=datetime.date(YEAR, 12, 1))
    user = get_user_model().objects.create_user("bench", password="x", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    url = f"/tai-chinh/?nam={YEAR}"
    assert client.get(url).status_code == 200
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    page_queries = len(ctx.captured_queries)
    dashboard_s = median_seconds(lambda: client.get(url), runs=7)

    db_path = str(settings.DATABASES["default"]["NAME"])
    pristine = str(tmp / "pristine.sqlite3")
    connections.close_all()
    shutil.copyfile(db_path, pristine)

    def fresh_db():
        connections.close_all()
        shutil.copyfile(pristine, db_path)

    def in_process():
        treasury.import_file(content, filename="bench.xlsx")

    import io

    from openpyxl import load_workbook

    def bare_read():
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for _row in wb["GiaiNgan"].iter_rows(values_only=True):
            pass
        wb.close()

    import_s = median_seconds(in_process, runs=5, before=fresh_db)
    read_s = median_seconds(bare_read, runs=5)
    fresh_db()
    floor_s = median_seconds(lambda: floor_writes(db_path, content), runs=5)
    ratio = import_s / read_s
    print(f"NTM bench: finance ({PROJECTS} projects x {len(SOURCES)} sources x 12 months, "
          f"{COMMUNES} communes; data built in {build_s:.1f} s)")
    print(f"  (a) finance dashboard page, in-process          {dashboard_s * 1000:8.1f} ms   target < 100 ms"
          f"   {page_queries} queries")
    print(f"  (b) treasury import, {len(rows)} rows, in-process    {import_s * 1000:8.1f} ms")
    print(f"  (c) bare openpyxl read of the same file          {read_s * 1000:8.1f} ms")
    print(f"  ratio (b)/(c)                                   {ratio:8.2f}      target <= 2")
    print(f"  (d) floor: read + the writes (b) must make, bare sqlite3  {floor_s * 1000:8.1f} ms"
          f"   ratio (d)/(c) {floor_s / read_s:.2f}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
