"""Excel round-trip of indicator values: export a pre-filled workbook, import it back.

- `exporter.export_workbook(...)`: one row per commune, one column per indicator;
- `importer.import_workbook(...)`: all-or-nothing import through `record_values_many`;
- `marking.mark_problems(...)`: a copy of an uploaded workbook with the bad cells marked;
- `jobs.run_import_job(job_id)`: the import as a background job (inline or in a task).

Nothing heavy is imported here: the management commands import these modules lazily.
"""
