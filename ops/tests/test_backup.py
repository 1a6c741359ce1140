"""Backup → wipe → restore gives back the same values, evaluations, audit rows and uploaded files
(on the suite's database: SQLite, and PostgreSQL in the second pass of .ci/run)."""

import shutil
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from assessments import services
from assessments.models import Evaluation, IndicatorValue, Period
from assessments.tests.helpers import make_period, values_for
from audit.models import AuditRecord
from conftest import make_province
from ops.backup import read_manifest
from planning.models import ProgressNote

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return {
        "values": list(IndicatorValue.objects.order_by("pk").values()),
        "evaluations": list(Evaluation.objects.order_by("pk").values()),
        "periods": list(Period.objects.order_by("pk").values()),
        "audit": list(AuditRecord.objects.order_by("pk").values()),
    }


def wipe_database():
    """Drop every table: the restore starts from an empty database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_backup_wipe_restore_gives_back_the_same_figures_audit_and_files(criteria_sets, officer, media,
                                                                        tmp_path, capsys):
    _province, communes = make_province(3)
    period = make_period(2024)
    services.record_values(communes[0], period, values_for(period), user=officer, source="test", reason="r")
    services.record_values(communes[1], period, values_for(period, failing={"2", "5"}), user=officer,
                           source="test", reason="r")
    services.record_values(communes[1], period, {"5.1": 1}, user=officer, source="test", reason="sửa")
    storage = ProgressNote._meta.get_field("evidence").storage
    stored = storage.save("roadmap/2025/05/bien-ban.pdf", ContentFile(b"%PDF-1.4 bien ban"))
    before = snapshot()
    assert before["values"] and before["evaluations"] and before["audit"]

    call_command("backup", "--out", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("ntm-*.tar.gz"))
    assert "Đã sao lưu" in capsys.readouterr().out
    manifest = read_manifest(archive)
    assert manifest["engine"] == connection.vendor and manifest["media_files"] == 1

    wipe_database()
    shutil.rmtree(media)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    call_command("restore", str(archive), "--yes", "--reason", "ổ đĩa hỏng")
    assert "Đã khôi phục" in capsys.readouterr().out

    after = snapshot()
    restore_record = after["audit"].pop()
    assert restore_record["action"] == "ops.restore" and restore_record["reason"] == "ổ đĩa hỏng"
    assert after == before
    assert (media / stored).read_bytes() == b"%PDF-1.4 bien ban"
    # The restored database takes new writes (sequences/ids carry on after the restored rows).
    services.record_values(communes[2], period, values_for(period), user=officer, source="test")
    assert Evaluation.objects.filter(unit_id=communes[2].pk).exists()


def test_a_file_that_is_not_a_backup_is_refused_in_vietnamese(tmp_path):
    bogus = tmp_path / "x.tar.gz"
    with tarfile.open(bogus, "w:gz"):
        pass
    with pytest.raises(CommandError, match="không phải là bản sao lưu"):
        call_command("restore", str(bogus), "--yes")
