"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

WEB_CONCURRENCY   worker processes (default: 2 × cores + 1)
NTM_BIND          address to listen on (default 127.0.0.1:8000: behind the reverse proxy)
NTM_LOG_FORMAT    json: access and error logs as JSON lines (default: text)
FORWARDED_ALLOW_IPS (gunicorn's own): proxies trusted for X-Forwarded-* (default 127.0.0.1)
Anything else: GUNICORN_CMD_ARGS, e.g. "--timeout 300".
"""

import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.logging, config.wsgi

bind = os.environ.get("NTM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# Synchronous workers. A province workbook export or import takes seconds, not minutes; the
# web import runs in a thread of the worker, so workers are not recycled (no max_requests).
timeout = 120
graceful_timeout = 60
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(D)sus'

if os.environ.get("NTM_LOG_FORMAT", "text") == "json":
    from config.logging import gunicorn_logconfig

    logconfig_dict = gunicorn_logconfig()
