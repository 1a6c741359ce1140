"""Issue 13: the parts of the procedure around the stages: broadcasts and comment rows, the
conditions (c) debt and (d) security, revocation dossiers, documents and the zip."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone

from assessments import services as values
from assessments.models import Recognition, Revocation
from assessments.tests.helpers import values_for
from audit.models import AuditRecord
from recognition import conditions, decisions, documents, services
from recognition.models import ConditionKind, Dossier, Kind, PostingComment, Stage
from recognition.services import DossierRefused
from recognition.tests.helpers import (
    confirm_conditions,
    declaration,
    register,
    signed_pdf,
    walk,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(days):
    return TODAY - datetime.timedelta(days=days)




# --- posting ---------------------------------------------------------------------------------------


def test_the_posting_keeps_each_broadcast_and_each_comment_with_its_answer(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="posting")
    assert [b.on for b in dossier.broadcast_rows.all()] == [ago(d) for d in (19, 16, 13, 10, 7)]
    assert dossier.broadcasts == 5
    rows = list(dossier.posting_comments.values_list("commenter", "comment", "answer"))
    assert rows == [("Ông Nguyễn Văn A, thôn 2", "Đường thôn 2 còn lầy lội", "Đã đưa vào kế hoạch 2027"),
                    ("Bà Lò Thị B, thôn 5", "Đề nghị thêm đèn đường", "")]
    unanswered = dossier.posting_comments.get(answer="")
    with pytest.raises(DossierRefused):
        services.answer_comment(unanswered, answer="Sẽ lắp", answered_on=TODAY + datetime.timedelta(days=1))
    services.answer_comment(unanswered, answer="Đã lắp 12 đèn", answered_on=TODAY)
    assert PostingComment.objects.get(pk=unanswered.pk).answer == "Đã lắp 12 đèn"
    assert AuditRecord.objects.filter(action="dossier.answer_comment").count() == 1


def test_broadcasts_too_few_or_outside_the_posting_are_refused_with_the_rule(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="opinions")
    base = dict(posted_where="UBND xã, nhà văn hóa thôn", start=ago(20), end=ago(5))
    with pytest.raises(DossierRefused) as refused:
        services.record_posting(dossier, **base, broadcast_dates=[ago(19), ago(15), ago(10), ago(6)])
    assert "4 lần" in refused.value.message and "ít nhất 5 lần" in refused.value.message
    assert "QĐ 18/2022/QĐ-TTg Điều 5" in refused.value.message
    with pytest.raises(DossierRefused) as refused:
        services.record_posting(dossier, **base, broadcast_dates=[ago(25), ago(19), ago(15), ago(10), ago(6)])
    assert "ngoài thời gian đó" in refused.value.message and ago(25).strftime("%d/%m/%Y") in refused.value.message
    with pytest.raises(DossierRefused) as refused:
        services.record_posting(dossier, posted_where="UBND xã", start=ago(12), end=ago(1),
                                broadcast_dates=[ago(d) for d in (12, 10, 8, 6, 4)])
    assert "12 ngày" in refused.value.message and "15 ngày" in refused.value.message
    with pytest.raises(DossierRefused) as refused:
        services.record_posting(dossier, **base, broadcast_dates=[ago(d) for d in (19, 16, 13, 10, 7)],
                                comments="Ông A | Ý kiến | Trả lời | thừa")
    assert "Dòng 1" in refused.value.message
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.OPINIONS
    assert not dossier.broadcast_rows.exists() and not dossier.posting_comments.exists()


def test_a_returned_posting_keeps_its_broadcasts_and_comments_in_the_history(setup):
    _province, communes, period = setup
    dossier = services.return_dossier(walk(register(communes[0], period), to="posting"), reason="Sai địa điểm")
    data = dossier.events.last().data
    assert len(data["broadcast_dates"]) == 5 and data["comments"][0]["comment"] == "Đường thôn 2 còn lầy lội"
    assert not dossier.broadcast_rows.exists() and not dossier.posting_comments.exists()


def test_public_comments_are_read_for_the_portal(setup):
    from recognition.queries import public_comments

    _province, communes, period = setup
    walk(register(communes[0], period), to="posting")
    walk(register(communes[1], period), to="registration")
    rows = public_comments(communes[0])
    assert [(r.commenter, r.answer) for r in rows] == [
        ("Ông Nguyễn Văn A, thôn 2", "Đã đưa vào kế hoạch 2027"), ("Bà Lò Thị B, thôn 5", "")]
    assert public_comments(communes[1]) == []


# --- conditions (c) and (d) ------------------------------------------------------------------------


def test_the_decision_is_refused_until_security_is_confirmed(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="appraisal")
    confirm_conditions(dossier, security=False)
    good = dict(decision_number="1/QĐ", decision_date=TODAY, signer="Chủ tịch", signed_pdf=signed_pdf())
    with pytest.raises(DossierRefused) as refused:
        services.decide(dossier, **good)
    assert "An ninh, trật tự" in refused.value.message and "chưa xác định" in refused.value.message
    assert "Điều 4.1(d)" in refused.value.message
    services.record_condition(dossier, kind=ConditionKind.SECURITY, holds=False, declared_by="Công an tỉnh",
                              declared_on=TODAY, document_ref="90/CAT")
    with pytest.raises(DossierRefused) as refused:
        services.decide(dossier, **{**good, "signed_pdf": signed_pdf()})
    assert "phức tạp về an ninh, trật tự" in refused.value.message
    states = [(c.source.split()[-1], c.state) for c in conditions.all_conditions(dossier)]
    assert states[-2:] == [("4.1(c)", "met"), ("4.1(d)", "unmet")]
    assert [state for _source, state in states] == ["met", "met", "met", "met", "unmet"]
    services.record_condition(dossier, kind=ConditionKind.SECURITY, holds=True, declared_by="Công an tỉnh",
                              declared_on=TODAY, document_ref="91/CAT")
    assert services.decide(dossier, **{**good, "signed_pdf": signed_pdf()}).stage == Stage.DECISION
    recorded = AuditRecord.objects.get(action="dossier.decide").after["conditions"]
    assert recorded["QĐ 18/2022/QĐ-TTg Điều 4.1(d)"] == "met" and set(recorded.values()) == {"met"}


def test_a_debt_declaration_needs_its_document_and_is_not_taken_when_finance_records_exist(setup):
    from finance import services as finance

    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="appraisal")
    base = dict(kind=ConditionKind.NO_DEBT, holds=True, declared_by="UBND xã", declared_on=TODAY,
                document_ref="12/BC-UBND")
    with pytest.raises(DossierRefused) as refused:
        services.record_condition(dossier, **base)
    assert "Cần có văn bản (tệp)" in refused.value.message
    with pytest.raises(DossierRefused):
        services.record_condition(dossier, **base, document=declaration("x.pdf").__class__(
            "x.pdf", b"MZ not a pdf", "application/pdf"))
    assert conditions.debt_condition(dossier).state == "unknown"
    # The finance records of the commune: a debt of 250.000.000 đ, then repaid.
    project = finance.create_projects([finance.ProjectSpec(unit=communes[0], code="DT-1", name="Đường thôn")])[0]
    debt = finance.record_debt(project, amount=250_000_000, since=datetime.date(2024, 1, 1))
    debt_row = conditions.debt_condition(dossier)
    assert debt_row.state == "unmet" and "250.000.000 đ" in debt_row.detail
    with pytest.raises(DossierRefused) as refused:
        services.record_condition(dossier, **base, document=declaration())
    assert "Số liệu tài chính" in refused.value.message
    confirm_conditions(dossier, debt=False)
    with pytest.raises(DossierRefused) as refused:
        services.decide(dossier, decision_number="1/QĐ", decision_date=TODAY, signer="Chủ tịch",
                        signed_pdf=signed_pdf())
    assert "250.000.000 đ" in refused.value.message
    finance.record_repayment(debt, amount=250_000_000, date=TODAY)
    assert conditions.debt_condition(dossier).state == "met"
    assert services.decide(dossier, decision_number="1/QĐ", decision_date=TODAY, signer="Chủ tịch",
                           signed_pdf=signed_pdf()).stage == Stage.DECISION


# --- revocation ------------------------------------------------------------------------------------


def _recognised_but_failing(communes, period, failing):
    values.record_values(communes[0], period, values_for(period, failing=failing, seed=3), source="Rà soát",
                         reason="Rà soát")
    return decisions.record_direct_recognition(
        communes[0], level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="45/QĐ-UBND",
        decision_date=datetime.date(2019, 12, 20), issuer="UBND tỉnh", before_system=True)


def test_a_revocation_dossier_walks_to_the_revocation(setup):
    _province, communes, period = setup
    recognition = _recognised_but_failing(communes, period, {str(c) for c in range(1, 11)})
    dossier = services.register_revocation(recognition, period, registered_on=TODAY)
    assert dossier.kind == Kind.REVOCATION and dossier.next_stage == Stage.SELF_ASSESSMENT
    with pytest.raises(DossierRefused):
        services.register_revocation(recognition, period, registered_on=TODAY)
    with pytest.raises(DossierRefused):
        services.freeze_self_assessment(dossier)
    dossier = services.freeze_revocation_check(dossier)
    check = dossier.snapshot["revocation"]
    assert (check["unmet"], check["total"], check["rule_met"]) == (10, 19, True)
    assert "thuộc trường hợp thu hồi" in check["explanation"]
    with pytest.raises(DossierRefused):
        services.record_opinions(dossier, opinions="x")
    dossier = services.record_appraisal(dossier, appraised_by="Sở NN&MT", appraised_on=TODAY,
                                        findings="10/19 tiêu chí không đạt")
    assert dossier.next_stage == Stage.DECISION
    with pytest.raises(DossierRefused):
        services.decide(dossier, decision_number="1/QĐ", decision_date=TODAY, signer="Chủ tịch",
                        signed_pdf=signed_pdf())
    with pytest.raises(DossierRefused) as refused:
        services.revoke(dossier, decision_number="77/QĐ-UBND", decision_date=TODAY + datetime.timedelta(days=1),
                        signer="Chủ tịch UBND tỉnh", signed_pdf=signed_pdf(), reason="Rớt chuẩn")
    assert "tương lai" in refused.value.message
    dossier = services.revoke(dossier, decision_number="77/QĐ-UBND", decision_date=TODAY,
                              signer="Chủ tịch UBND tỉnh", signed_pdf=signed_pdf(), reason="Rớt chuẩn 10/19")
    revocation = Revocation.objects.get(recognition=recognition)
    assert dossier.stage == Stage.DECISION and dossier.revocation == revocation
    assert (revocation.decision_number, revocation.reason) == ("77/QĐ-UBND", "Rớt chuẩn 10/19")
    assert [e.stage_to for e in dossier.events.all()] == ["registration", "self_assessment", "appraisal", "decision"]
    actions = set(AuditRecord.objects.filter(object_type="dossier", object_id=str(dossier.pk))
                  .values_list("action", flat=True))
    assert {"dossier.register_revocation", "dossier.revocation_check", "dossier.appraisal",
            "dossier.revoke"} <= actions
    assert AuditRecord.objects.filter(action="recognition.revoke").exists()


def test_a_revocation_is_refused_when_the_rule_is_not_met(setup):
    _province, communes, period = setup
    recognition = _recognised_but_failing(communes, period, {"2", "3"})
    dossier = services.register_revocation(recognition, period, registered_on=TODAY)
    with pytest.raises(DossierRefused) as refused:
        services.freeze_revocation_check(dossier)
    assert "Chưa đến mức thu hồi" in refused.value.message and "2/19" in refused.value.message
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.REGISTRATION


# --- corrections and the direct record ---------------------------------------------------------------


def test_a_correction_keeps_the_old_values_and_is_not_a_revocation(setup):
    _province, communes, _period = setup
    recognition = decisions.record_direct_recognition(
        communes[0], level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="1O5/QĐ-UBND",
        decision_date=datetime.date(2020, 3, 1), issuer="Chủ tich UBND tỉnh", before_system=True)
    assert recognition.decision_record.before_system
    with pytest.raises(decisions.DecisionRefused):
        decisions.correct_recognition(recognition, decision_number="105/QĐ-UBND",
                                      decision_date=TODAY + datetime.timedelta(days=1), issuer="x", reason="Sửa")
    with pytest.raises(decisions.DecisionRefused):
        decisions.correct_recognition(recognition, decision_number="105/QĐ-UBND",
                                      decision_date=datetime.date(2020, 3, 1), issuer="x", reason=" ")
    decisions.correct_recognition(recognition, decision_number="105/QĐ-UBND", decision_date=datetime.date(2020, 3, 10),
                                  issuer="Chủ tịch UBND tỉnh", reason="Gõ nhầm chữ O thành số 0")
    recognition = Recognition.objects.get(pk=recognition.pk)
    assert (recognition.decision_number, recognition.decision_date, recognition.issuer) == (
        "105/QĐ-UBND", datetime.date(2020, 3, 10), "Chủ tịch UBND tỉnh")
    correction = recognition.corrections.get()
    assert correction.before == {"decision_number": "1O5/QĐ-UBND", "decision_date": "2020-03-01",
                                 "issuer": "Chủ tich UBND tỉnh"}
    assert correction.reason == "Gõ nhầm chữ O thành số 0"
    assert not hasattr(recognition, "revocation")
    record = AuditRecord.objects.get(action="recognition.correct")
    assert record.before["decision_number"] == "1O5/QĐ-UBND" and record.after["decision_number"] == "105/QĐ-UBND"


def test_the_direct_record_refuses_a_future_date_and_checks_the_scan(setup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _province, communes, _period = setup
    base = dict(level_code="ntm", level_rank=1, family="ntm-xa-2021", decision_number="5/QĐ", issuer="UBND tỉnh")
    with pytest.raises(decisions.DecisionRefused) as refused:
        decisions.record_direct_recognition(communes[0], decision_date=TODAY + datetime.timedelta(days=1), **base)
    assert "tương lai" in refused.value.message
    with pytest.raises(decisions.DecisionRefused):
        decisions.record_direct_recognition(communes[0], decision_date=TODAY, **base,
                                            signed_scan=SimpleUploadedFile("qd.png", b"not a png"))
    assert not Recognition.objects.exists()
    recognition = decisions.record_direct_recognition(communes[0], decision_date=TODAY, **base,
                                                      signed_scan=signed_pdf())
    assert recognition.decision_record.signed_scan.read().startswith(b"%PDF-")
    assert not recognition.decision_record.before_system


# --- documents ---------------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_self_assessment_report_carries_the_snapshot_figures(setup):
    _province, communes, period = setup
    dossier = walk(register(communes[0], period), to="decision")
    snapshot_income = dossier.snapshot["values"]["10.1"]["value"]
    values.record_values(communes[0], period, {"10.1": "30"}, source="Điều tra lại", reason="Sửa")
    text = _docx_text(documents.bao_cao_tu_danh_gia(Dossier.objects.get(pk=dossier.pk)))
    assert "19/19 tiêu chí đạt" in text
    assert dossier.snapshot_on.strftime("%d/%m/%Y") in text
    income_row = next(line for line in text.splitlines() if line.startswith("10.1 "))
    assert income_row
    assert snapshot_income.replace(".", ",").rstrip("0").rstrip(",") in text
    assert "30\n" not in text.split(income_row)[1][:10]
    assert "10. Thu nhập" in text and "Đạt" in text
    opinions = _docx_text(documents.bao_cao_tong_hop_y_kien(dossier))
    assert "Đường thôn 2 còn lầy lội" in opinions and "Đã đưa vào kế hoạch 2027" in opinions
    assert "Chưa trả lời" in opinions and "5 lần" in opinions
    to_trinh = _docx_text(documents.to_trinh(dossier))
    assert "TỜ TRÌNH" in to_trinh and "19/19 tiêu chí" in to_trinh and "95,0%" in to_trinh
    bien_ban = _docx_text(documents.bien_ban(dossier))
    assert "Sở NN&MT" in bien_ban and "Không nợ đọng xây dựng cơ bản" in bien_ban


def test_the_zip_holds_the_documents_and_the_uploaded_files(client, setup, django_user_model):
    from accounts import services as accounts
    from accounts.models import OrganisationKind, Role

    province, communes, period = setup
    dossier = walk(register(communes[0], period), to="decision")
    office = accounts.ensure_organisation(code="vp", name="VP", kind=OrganisationKind.PROVINCE_OFFICE,
                                          unit=province)
    admin = accounts.create_user(by=None, username="admin1", full_name="A", email="", organisation=office,
                                 role=Role.PROVINCE_ADMIN, password="Dossier-Pass-2026!")
    client.force_login(admin)
    response = client.get(f"/cong-nhan/{dossier.pk}/ho-so.zip")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="ho-so-xa-thu-000-{dossier.pk}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    stem = f"xa-thu-000-{dossier.pk}"
    assert names == sorted([
        f"to-trinh-{stem}.docx", f"bao-cao-tu-danh-gia-{stem}.docx", f"bao-cao-tong-hop-y-kien-{stem}.docx",
        f"bien-ban-{stem}.docx", f"tep-dinh-kem/quyet-dinh-{dossier.pk}.pdf",
        "tep-dinh-kem/no-debt-bao-cao-12-bc-ubnd.pdf"])
    assert archive.read(f"tep-dinh-kem/quyet-dinh-{dossier.pk}.pdf").startswith(b"%PDF-")
    assert "19/19" in _docx_text(archive.read(f"bao-cao-tu-danh-gia-{stem}.docx"))
    one = client.get(f"/cong-nhan/{dossier.pk}/van-ban/to-trinh.docx")
    assert one.status_code == 200 and "TỜ TRÌNH" in _docx_text(one.content)
    assert client.get(f"/cong-nhan/{dossier.pk}/van-ban/khong-co.docx").status_code == 404
