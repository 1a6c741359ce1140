"""Benchmarks (`make bench`). Each runs in a throw-away data folder (or DATABASE_URL if set)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(prefix: str) -> Path:
    """Set up Django on a new temporary data folder and migrate it; returns the folder."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["NTM_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return tmp
