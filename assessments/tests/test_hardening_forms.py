"""The assessments forms and downloads follow the shared text rules (hardening findings 4, 9, 13)."""

import pytest

from assessments import services
from assessments.excel import jobs
from assessments.models import ImportJob, IndicatorValue
from assessments.tests.helpers import make_period, values_for
from conftest import make_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    _province, communes = make_province(1)
    period = make_period(2024)
    services.record_values_many(period, {communes[0]: values_for(period)}, source="x")
    return period, communes[0]


def test_a_correction_reason_with_control_characters_or_too_long_writes_nothing(client, officer, world):
    period, unit = world
    client.force_login(officer)
    before = IndicatorValue.objects.count()
    for reason, message in (("sửa\x0bsố", "ký tự điều khiển"), ("x" * 1001, "Tối đa 1000 ký tự")):
        response = client.post(f"/xa/{unit.ref}/nhap/{period.code}/",
                               {"v_10_1": "77", "source": "x", "reason": reason})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert IndicatorValue.objects.count() == before


def test_the_marked_copy_of_a_hostile_upload_name_has_a_safe_download_name(client, officer, world):
    job = jobs.start_import(user=officer, file_name='x";filename="evil.html.xlsx', content=b"not a workbook")
    assert job.status == ImportJob.Status.FAILED
    client.force_login(officer)
    response = client.get(f"/xa/excel/lan-nhap/{job.pk}/ban-danh-dau/")
    # Not a workbook: nothing to mark (404), and never a header built from the raw name.
    assert response.status_code == 404 or 'evil.html"' not in response["Content-Disposition"]
