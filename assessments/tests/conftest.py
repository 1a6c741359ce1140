import pytest


@pytest.fixture(autouse=True)
def import_files_in_tmp(settings, tmp_path):
    """Uploaded workbooks go to a temporary directory, never the data directory."""
    settings.NTM_IMPORT_DIR = tmp_path / "imports"
