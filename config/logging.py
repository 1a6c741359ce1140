"""Structured (JSON lines) logs, asked for with NTM_LOG_FORMAT=json: one object per line on stderr,
for journald or a log collector. Used by Django's LOGGING and by gunicorn (config/gunicorn.py)."""

import datetime
import json
import logging

# gunicorn's access log passes its atoms as the record's args: the ones worth a field.
ACCESS_FIELDS = {"m": "method", "U": "path", "s": "status", "B": "bytes", "h": "remote_addr",
                 "a": "user_agent"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in ACCESS_FIELDS.items():
                if atoms.get(atom) not in (None, "-"):
                    data[field] = atoms[atom]
            for field in ("status", "bytes"):
                if str(data.get(field, "")).isdigit():
                    data[field] = int(data[field])
            if str(atoms.get("D", "")).isdigit():
                data["duration_ms"] = round(int(atoms["D"]) / 1000, 1)
            # Not the full request line: a query string may carry a token.
            data["message"] = f"{data.get('method', '')} {data.get('path', '')} {data.get('status', '')}"
        else:
            data["message"] = record.getMessage()
        status = getattr(record, "status_code", None)
        if status is not None:
            data["status"] = status
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def gunicorn_logconfig() -> dict:
    """gunicorn's own loggers (errors, access) as JSON lines too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["json"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["json"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["json"], "level": "INFO", "propagate": False},
        },
    }
