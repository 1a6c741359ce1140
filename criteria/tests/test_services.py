import shutil

import pytest
from django.conf import settings

from criteria.loader import CriteriaFileError
from criteria.models import CriteriaSet, CriteriaSetVersion
from criteria.queries import catalog_versions, current_catalog, spec_for_version
from criteria.services import sync_sets


@pytest.fixture
def sets_dir(tmp_path):
    for path in settings.NTM_CRITERIA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.django_db
def test_it_creates_sets_and_first_versions(sets_dir):
    results = sync_sets(sets_dir)
    assert len(results) == 5
    assert all(r.created and r.version.number == 1 for r in results)
    ntm = CriteriaSet.objects.get(code="ntm-xa-2021-minh-hoa")
    assert (ntm.family, ntm.level_code, ntm.level_rank, ntm.threshold_by) == (
        "ntm-xa-2021",
        "ntm",
        1,
        "region",
    )
    assert ntm.illustrative is True
    assert ntm.current_version.content["code"] == "ntm-xa-2021-minh-hoa"
    assert len(ntm.current_version.sha256) == 64


@pytest.mark.django_db
def test_it_is_idempotent(sets_dir):
    sync_sets(sets_dir)
    again = sync_sets(sets_dir)
    assert not any(r.created for r in again)
    assert CriteriaSetVersion.objects.count() == 5


@pytest.mark.django_db
def test_it_adds_a_version_when_the_content_changes(sets_dir):
    sync_sets(sets_dir)
    path = sets_dir / "ntm-km-2021-minh-hoa.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("factor: 1.1", "factor: 1.2"), encoding="utf-8"
    )
    results = {r.set.code: r for r in sync_sets(sets_dir)}
    changed = results["ntm-km-2021-minh-hoa"]
    assert changed.created and changed.version.number == 2
    assert not results["ntm-xa-2021-minh-hoa"].created
    km = CriteriaSet.objects.get(code="ntm-km-2021-minh-hoa")
    assert km.current_version == changed.version
    assert km.versions.count() == 2


@pytest.mark.django_db
def test_it_ignores_comments_and_formatting(sets_dir):
    sync_sets(sets_dir)
    path = sets_dir / "ntm-km-2021-minh-hoa.yaml"
    path.write_text(
        "# một dòng chú thích mới\n" + path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert not any(r.created for r in sync_sets(sets_dir))


@pytest.mark.django_db
def test_it_writes_nothing_when_a_file_is_invalid(sets_dir):
    (sets_dir / "zz-hong.yaml").write_text("code: hong\n", encoding="utf-8")
    with pytest.raises(CriteriaFileError) as info:
        sync_sets(sets_dir)
    assert info.value.file == "zz-hong.yaml"
    assert CriteriaSet.objects.count() == 0


@pytest.mark.django_db
def test_it_reads_the_current_catalog_back(sets_dir, django_assert_num_queries):
    sync_sets(sets_dir)
    with django_assert_num_queries(1):
        catalog = current_catalog("ntm-xa-2021")
    assert list(catalog) == ["ntm-xa-2021-minh-hoa", "ntm-nc-2021-minh-hoa", "ntm-km-2021-minh-hoa"]
    versions = catalog_versions("ntm-xa-2021")
    spec = spec_for_version(versions["ntm-xa-2021-minh-hoa"])
    assert spec is spec_for_version(versions["ntm-xa-2021-minh-hoa"])
    assert spec.indicator("10.1").unit == "triệu đồng/người/năm"
    assert current_catalog("khong-co") == {}


@pytest.mark.django_db
def test_equal_numbers_written_differently_keep_the_version(sets_dir):
    sync_sets(sets_dir)
    path = sets_dir / "ntm-km-2021-minh-hoa.yaml"
    text = path.read_text(encoding="utf-8")
    assert "factor: 1.1" in text
    path.write_text(text.replace("factor: 1.1", "factor: \"1.10\""), encoding="utf-8")
    assert not any(r.created for r in sync_sets(sets_dir))
    path = sets_dir / "ntm-xa-2021-minh-hoa.yaml"
    text = path.read_text(encoding="utf-8")
    assert "value: 39," in text
    path.write_text(text.replace("value: 39,", "value: 39.0,", 1), encoding="utf-8")
    assert not any(r.created for r in sync_sets(sets_dir))
    assert CriteriaSetVersion.objects.count() == 5


@pytest.mark.django_db
def test_restoring_an_old_file_goes_back_to_its_version_and_says_so(sets_dir):
    import io

    from django.core.management import call_command

    path = sets_dir / "ntm-km-2021-minh-hoa.yaml"
    original = path.read_text(encoding="utf-8")
    sync_sets(sets_dir)
    path.write_text(original.replace("factor: 1.1", "factor: 1.2"), encoding="utf-8")
    assert {r.set.code: r for r in sync_sets(sets_dir)}["ntm-km-2021-minh-hoa"].version.number == 2
    path.write_text(original, encoding="utf-8")
    out = io.StringIO()
    call_command("load_criteria", "--dir", str(sets_dir), stdout=out)
    assert (
        "ntm-km-2021-minh-hoa: quay lại phiên bản 1 (nội dung tệp giống phiên bản 1; "
        "trước đó dùng phiên bản 2)"
    ) in out.getvalue()
    assert "ntm-xa-2021-minh-hoa: không đổi (phiên bản 1)" in out.getvalue()
    km = CriteriaSet.objects.get(code="ntm-km-2021-minh-hoa")
    assert (km.current_version.number, km.versions.count()) == (1, 2)
    out = io.StringIO()
    call_command("load_criteria", "--dir", str(sets_dir), stdout=out)
    assert "ntm-km-2021-minh-hoa: không đổi (phiên bản 1)" in out.getvalue()
