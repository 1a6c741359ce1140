"""`python -m bench.audit_export`: the audit trail's Excel export through its view on the full
demo (setup_demo writes ~6,000 audit records), as the province administrator: wall and CPU time,
rows, size, and whether the response is streamed. Issue 10, item 5: it took 6-9 s for ~2,100
rows (openpyxl's max_row read once per row made it quadratic)."""

import os
import sys
import time

from bench import start_django


def main() -> int:
    start_django("ntm-bench-audit-")
    from django.core.management import call_command

    call_command("setup_demo", stdout=open(os.devnull, "w"))
    from django.contrib.auth import get_user_model
    from django.test import Client

    from audit.models import AuditRecord

    client = Client()
    client.force_login(get_user_model().objects.get(username="tinh.admin"))
    for label, params in (("2,000+ rows (finance.allocation)", {"hanh_dong": "finance.allocation"}), ("every row", {})):
        rows = AuditRecord.objects.filter(action=params["hanh_dong"]).count() if params else AuditRecord.objects.count()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/nhat-ky/xuat.xlsx", params, HTTP_HOST="localhost")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        print(f"audit export, {label}: {rows} rows, {len(body):,} bytes, wall {time.perf_counter() - wall:.2f} s, "
              f"cpu {time.process_time() - cpu:.2f} s, streamed={response.streaming}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
