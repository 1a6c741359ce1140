"""`make bench` (Excel part): import a province workbook of the demo data.

Exports period 2024 for every programme commune of Lào Cai and every indicator, shifts the
numbers slightly so the import really writes, then measures (median of 5, each on a fresh copy
of the database): (a) `manage.py import_values FILE` as a whole process, (b) `import_workbook`
in-process, (c) the bare read of the same file by the reader the importer uses.
Targets: (a) under 0.8 s; (b) no more than twice (c).
"""

import gc
import os
import shutil
import subprocess
import sys

from bench import ROOT, median_seconds, start_django


def main() -> int:
    tmp = start_django("ntm-bench-excel-")
    from django.core.management import call_command
    from django.db import connections

    call_command("setup_demo", stdout=open(os.devnull, "w"))

    from openpyxl import load_workbook

    from assessments.excel import layout as L
    from assessments.excel.exporter import export_workbook, units_for_export
    from assessments.excel.importer import import_workbook
    from assessments.excel.reader import read_workbook
    from assessments.models import Period

    period = Period.objects.get(code="2024")
    units = units_for_export(None, period)
    wb = export_workbook(period, units)
    ws = wb[L.DATA_SHEET]
    # Shift every number a little (within its range) so every numeric cell is a correction.
    for row in ws.iter_rows(min_row=L.FIRST_DATA_ROW, min_col=L.FIRST_INDICATOR_COL):
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.value = cell.value - 1 if cell.value >= 1 else cell.value + 1
    path = tmp / "tinh-2024.xlsx"
    wb.save(path)
    n_cells = sum(1 for row in ws.iter_rows(min_row=L.FIRST_DATA_ROW, min_col=L.FIRST_INDICATOR_COL)
                  for c in row if c.value is not None)

    # Measure in a process that holds no more than the importer would: the exported workbook's
    # ~100,000 objects made every garbage collection of the measured runs slower.
    del wb, ws
    gc.collect()

    db = tmp / "ntm.sqlite3"
    pristine = tmp / "pristine.sqlite3"
    connections.close_all()
    shutil.copy(db, pristine)

    def fresh_db():
        connections.close_all()
        for leftover in (tmp / "ntm.sqlite3-wal", tmp / "ntm.sqlite3-shm"):
            leftover.unlink(missing_ok=True)
        shutil.copy(pristine, db)

    command = [sys.executable, str(ROOT / "manage.py"), "import_values", str(path),
               "--reason", "bench", "--source", "bench"]
    env = dict(os.environ)

    def whole_process():
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])

    process_s = median_seconds(whole_process, before=fresh_db)

    last = {}

    def in_process():
        last["result"] = import_workbook(str(path), user=None, source="bench", reason="bench")

    import_s = median_seconds(in_process, before=fresh_db)
    result = last["result"]
    assert result.ok, result.problems[:5]
    parse_s = median_seconds(lambda: read_workbook(str(path), {L.DATA_SHEET, L.META_SHEET}))
    openpyxl_s = median_seconds(lambda: [r for r in load_workbook(path, read_only=True, data_only=True)[L.DATA_SHEET]
                                  .iter_rows(values_only=True)])

    # (d) the floor: the same required writes with bare sqlite3 (bench/excel_floor.py).
    floor_s = None
    if connections["default"].vendor == "sqlite":
        from assessments.excel.columns import family_columns
        from bench.excel_floor import required_work
        from criteria.queries import current_catalog
        from units.models import AttributeName
        from units.queries import attributes_on

        meta = read_workbook(str(path), {L.META_SHEET}).sheets[L.META_SHEET]
        by_code = {c.code: c for c in family_columns(result.family, period.as_of)}
        columns_by_index = {L.column_index(cells[2]): by_code[cells[3]]
                            for cells in meta.rows.values() if cells.get(1) == "column"}
        unit_ids = {u.ref: u.pk for u in units}
        keys = attributes_on(list(unit_ids.values()), AttributeName.REGION, period.as_of)
        catalog = current_catalog(result.family)
        connections.close_all()
        floor_s = median_seconds(lambda: required_work(read_workbook(str(path), {L.DATA_SHEET, L.META_SHEET}), db,
                                                period, result.family, columns_by_index, unit_ids, keys,
                                                catalog),
                          before=fresh_db) - parse_s
    fresh_db()

    print(f"NTM bench: Excel import ({len(units)} communes, {n_cells} filled cells, "
          f"{result.corrected} corrected, {result.unchanged} unchanged)")
    print(f"  (a) manage.py import_values, whole process   {process_s * 1000:8.1f} ms   target < 800 ms"
          f"  {'OK' if process_s < 0.8 else 'MISSED'}")
    print(f"  (b) import_workbook in-process               {import_s * 1000:8.1f} ms")
    print(f"  (c) bare parse (the importer's reader)        {parse_s * 1000:8.1f} ms")
    print(f"      openpyxl read-only, values only           {openpyxl_s * 1000:8.1f} ms")
    ratio = import_s / parse_s
    print(f"  ratio (b)/(c)                                {ratio:8.2f}      target <= 2"
          f"  {'OK' if ratio <= 2 else 'MISSED'}")
    if floor_s is not None:
        print(f"  (d) floor: the writes (b) must make, bare sqlite3, after the parse  {floor_s * 1000:6.1f} ms"
              f"   so (b)/(c) >= {(parse_s + floor_s) / parse_s:.2f} for any importer")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
