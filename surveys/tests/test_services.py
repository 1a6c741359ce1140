import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.excel.reader import read_workbook
from audit.models import AuditRecord
from conftest import make_new_province
from surveys import imports, queries, services
from surveys.codes import CODE_ALPHABET
from surveys.frame import parse_frame
from surveys.models import Answer, Channel, HouseholdCode, Questionnaire, Response
from surveys.tests.helpers import answers, make_round, rows
from surveys.xlsform import FormRejected, parse_workbook

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def commune():
    _province, communes = make_new_province(2)
    return communes[0]


def _questions(survey):
    return list(survey.questionnaire.questions.prefetch_related("choices"))


def test_a_one_time_code_cannot_answer_twice(commune):
    survey = make_round(commune)
    assert services.generate_codes(survey) == 140
    code = HouseholdCode.objects.filter(round=survey).first()
    response = services.answer_with_code(code.code.lower(), answers(True, y_kien_khac="Tốt"))
    assert response.satisfied and response.village.name == "Thôn Nà Lốc" and response.channel == Channel.WEB
    with pytest.raises(services.SurveyRefused) as refused:
        services.answer_with_code(code.code, answers(False))
    assert "đã được dùng" in refused.value.message
    assert Response.objects.filter(round=survey).count() == 1
    assert Answer.objects.filter(response=response).count() == 3
    with pytest.raises(services.SurveyRefused):
        services.answer_with_code("ABCDE-23456", answers(True))
    # The audit names the round and village, never the household's answers.
    record = AuditRecord.objects.filter(action="survey.answer_web").get()
    assert record.after == {"village": "Thôn Nà Lốc"}


def test_codes_are_long_random_and_unique(commune):
    survey = make_round(commune)
    services.generate_codes(survey)
    codes = list(HouseholdCode.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 140
    assert all(len(c) == 10 and set(c) <= set(CODE_ALPHABET) for c in codes)
    # Generating again makes only the missing ones.
    assert services.generate_codes(survey) == 0


def test_a_closed_round_refuses_answers_and_codes(commune):
    survey = make_round(commune)
    services.generate_codes(survey)
    code = HouseholdCode.objects.first()
    services.record_answers(survey, rows([("Bản Mế", True)]), channel=Channel.EXCEL)
    services.close_round(survey)
    with pytest.raises(services.SurveyRefused):
        services.answer_with_code(code.code, answers(True))
    with pytest.raises(services.SurveyRefused):
        services.record_answers(survey, rows([("Bản Mế", True)]), channel=Channel.EXCEL)


def test_a_bad_row_writes_nothing(commune):
    survey = make_round(commune)
    bad = rows([("Thôn Nà Lốc", True), ("Thôn Không Có", True), ("Bản Mế", False)])
    bad[2].values["hai_long_chung"] = "có lẽ"
    with pytest.raises(services.AnswersRejected) as rejected:
        services.record_answers(survey, bad, channel=Channel.EXCEL)
    assert rejected.value.errors == [
        "dòng 3: thôn \"Thôn Không Có\" không có trong danh sách hộ của đợt khảo sát",
        "dòng 4: câu hỏi hai_long_chung: \"có lẽ\" không phải một lựa chọn của câu hỏi",
    ]
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_results_on_a_known_sample(commune, settings):
    settings.NTM_SATISFACTION_MIN_PERCENT = 90
    survey = make_round(commune)
    specs = [("Thôn Nà Lốc", True)] * 72 + [("Thôn Nà Lốc", False)] * 3 + [("Bản Mế", True)] * 45 + \
        [("Bản Mế", False)] * 5
    services.record_answers(survey, rows(specs), channel=Channel.EXCEL)
    result = queries.round_results(survey)
    assert (result.rate.answered, result.rate.satisfied) == (125, 117)
    assert result.rate.share == 93.6 and result.rate.interval == (87.9, 96.7)
    assert result.households == 160 and result.coverage == 78.1 and result.coverage_ok is True
    assert result.meets_threshold is True
    village = {v.name: v for v in result.villages}
    assert village["Thôn Nà Lốc"].rate.share == 96.0 and village["Thôn Nà Lốc"].coverage == 75.0
    assert village["Bản Mế"].rate.share == 90.0 and village["Bản Mế"].rate.interval == (78.6, 95.7)
    question = {q.name: q for q in result.questions}
    decides = question["hai_long_chung"]
    assert [(c.name, c.count) for c in decides.choices] == [("co", 117), ("khong", 8)]
    assert question["giao_thong"].rate.share == 100.0 and question["nuoc_sach"].answered == 0


def test_the_frame_is_parsed_with_reasons():
    villages, errors = parse_frame("Thôn A; 120; 100\nThôn B;80\n\nThôn A; 5\nThôn C; 10; 20\n=cmd; 3")
    assert [(v.name, v.households, v.sample) for v in villages] == [("Thôn A", 120, 100), ("Thôn B", 80, 80)]
    assert errors == ["dòng 4: thôn Thôn A có hai lần.",
                      "dòng 5: số hộ khảo sát phải từ 1 đến số hộ của thôn.",
                      "dòng 6: tên thôn không phải văn bản thường."]


def test_an_xlsform_fixture_imports(commune):
    spec = parse_workbook(read_workbook(FIXTURES / "xlsform_hai_long.xlsx", {"survey", "choices", "settings"}))
    form = services.import_questionnaire(spec, source="xlsform_hai_long.xlsx")
    assert form.title == "Phiếu hài lòng NTM xã (KoBo)" and form.code == "hai_long_kobo" and form.version == "2026-11"
    questions = {q.name: q for q in form.questions.prefetch_related("choices")}
    assert list(questions) == ["thon", "hai_long", "can_cai_thien", "so_nguoi", "y_kien"]
    assert questions["hai_long"].label == "Ông/bà có hài lòng với kết quả xây dựng NTM?"
    assert questions["hai_long"].decides_satisfaction and questions["hai_long"].required
    assert [(c.name, c.label, c.satisfied) for c in questions["hai_long"].choices.all()] == [
        ("yes", "Hài lòng", True), ("no", "Chưa hài lòng", False)]
    assert questions["can_cai_thien"].kind == "select_multiple" and questions["so_nguoi"].kind == "integer"
    assert spec.skipped == ["start (start)", "end (end)", "grp_chung (begin_group)", "cam_on (note)",
                            "vi_tri (geopoint)"]
    # A KoBo export of that form: the village asked as a question (choice names) finds the frame.
    survey = make_round(commune, questionnaire=form)
    csv = (b"thon,hai_long,can_cai_thien,can_cai_thien/duong,can_cai_thien/nuoc,so_nguoi,_uuid\n"
           b"na_loc,yes,duong nuoc,1,1,5,u1\nban_me,no,rac,0,0,3,u2\n")
    read, unknown = imports.read_kobo(SimpleUploadedFile("x.csv", csv), _questions(survey))
    assert unknown == []
    services.record_answers(survey, read, channel=Channel.KOBO)
    assert sorted(Response.objects.values_list("village__name", "satisfied")) == [("Bản Mế", False),
                                                                                 ("Thôn Nà Lốc", True)]
    assert Answer.objects.get(question__name="can_cai_thien", response__external_id="u1").value == "duong nuoc"


def _xlsform(survey_rows, choice_rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in survey_rows:
        ws.append(row)
    choices = wb.create_sheet("choices")
    for row in choice_rows:
        choices.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return read_workbook(buffer, {"survey", "choices", "settings"})


def test_a_broken_xlsform_is_refused_with_every_reason():
    data = _xlsform([["type", "name", "label"], ["select_one nope", "q1", "Câu 1"], ["text", "q1", "Lặp"],
                     ["integer", "1bad", "Tên sai"], ["text", "q3", ""]],
                    [["list_name", "name", "label"], ["yn", "a", "A"], ["yn", "a", "A again"]])
    with pytest.raises(FormRejected) as rejected:
        parse_workbook(data)
    assert rejected.value.errors == [
        "trang tính choices, dòng 3: lựa chọn a có hai lần trong danh sách yn.",
        "trang tính survey, dòng 2: danh sách lựa chọn nope không có trong trang tính choices.",
        "trang tính survey, dòng 3: tên q1 được dùng hai lần.",
        "trang tính survey, dòng 4: tên \"1bad\" không phải tên XLSForm hợp lệ (chữ, số, _ . -; tối đa 64 ký tự).",
        "trang tính survey, dòng 5: câu hỏi q3 không có nhãn.",
    ]
    assert Questionnaire.objects.count() == 0


def test_a_kobo_csv_fixture_imports_and_reports_unknown_columns(commune):
    survey = make_round(commune)
    upload = SimpleUploadedFile("kobo.csv", (FIXTURES / "kobo_export.csv").read_bytes())
    read, unknown = imports.read_kobo(upload, _questions(survey))
    assert unknown == ["ghi_chu_dieu_tra_vien"]
    assert services.record_answers(survey, read, channel=Channel.KOBO) == 4
    result = queries.round_results(survey)
    assert (result.rate.answered, result.rate.satisfied) == (4, 3)
    assert {v.name: v.rate.answered for v in result.villages} == {"Thôn Nà Lốc": 2, "Bản Mế": 2}
    first = Response.objects.get(external_id="3f1c0a5e-0001")
    assert first.submitted_at == datetime.datetime(2026, 11, 20, 1, 10, tzinfo=datetime.UTC)
    assert Answer.objects.get(response=first, question__name="y_kien_khac").value == "Đề nghị làm thêm đường nội đồng"
    # The same export again: every submission is already there, nothing is written twice.
    upload.seek(0)
    again, _unknown = imports.read_kobo(upload, _questions(survey))
    with pytest.raises(services.AnswersRejected) as rejected:
        services.record_answers(survey, again, channel=Channel.KOBO)
    assert rejected.value.errors[0] == "dòng 2: bản ghi 3f1c0a5e-0001 đã được nhập trước đó"
    assert Response.objects.count() == 4


def test_a_kobo_csv_with_a_bad_row_writes_nothing(commune):
    survey = make_round(commune)
    text = (FIXTURES / "kobo_export.csv").read_text().replace(";co;rat_hai_long;", ";;rat_hai_long;")
    read, _unknown = imports.read_kobo(SimpleUploadedFile("k.csv", text.encode()), _questions(survey))
    with pytest.raises(services.AnswersRejected) as rejected:
        services.record_answers(survey, read, channel=Channel.KOBO)
    assert rejected.value.errors == [
        "dòng 2: câu hỏi hai_long_chung (Ông/bà có hài lòng với kết quả xây dựng nông thôn mới của xã) "
        "chưa được trả lời"]
    assert Response.objects.count() == 0


def test_the_excel_template_round_trips(commune):
    from openpyxl import load_workbook

    survey = make_round(commune)
    content = imports.template(survey, _questions(survey))
    wb = load_workbook(io.BytesIO(content))
    ws = wb[imports.SHEET]
    assert [c.value for c in ws[1]][:3] == ["thon", "hai_long_chung", "giao_thong"]
    ws.append(["Bản Mế", "Hài lòng", "rat_hai_long"])
    ws.append(["Thôn Nà Lốc", "khong", "=1+1"])
    ws.cell(row=1, column=ws.max_column + 1, value="cot_la")
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("t.xlsx", buffer.getvalue())
    read, unknown = imports.read_excel(upload, _questions(survey))
    assert unknown == ["cot_la"]
    with pytest.raises(services.AnswersRejected) as rejected:
        services.record_answers(survey, read, channel=Channel.EXCEL)
    assert rejected.value.errors == ["trang tính TraLoi, dòng 4: cột giao_thong chứa công thức; hãy nhập giá trị"]
    assert Response.objects.count() == 0
    read[1].notes.clear()
    read[1].values["giao_thong"] = "chua_hai_long"
    assert services.record_answers(survey, read, channel=Channel.EXCEL) == 2
    assert sorted(Response.objects.values_list("satisfied", flat=True)) == [False, True]


def test_what_counts_as_satisfied_can_be_set_until_answers_exist(commune):
    form = services.ensure_default_questionnaire()
    question = services.set_satisfaction(form, question_name="giao_thong", satisfied=["rat_hai_long"])
    assert question.decides_satisfaction
    assert list(form.questions.filter(decides_satisfaction=True).values_list("name", flat=True)) == ["giao_thong"]
    with pytest.raises(services.SurveyRefused):
        services.set_satisfaction(form, question_name="giao_thong", satisfied=["rat_hai_long", "hai_long",
                                                                              "chua_hai_long", "khong_y_kien"])
    services.set_satisfaction(form, question_name="hai_long_chung", satisfied=["co"])
    survey = make_round(commune, questionnaire=form)
    services.record_answers(survey, rows([("Bản Mế", True)]), channel=Channel.EXCEL)
    with pytest.raises(services.SurveyRefused):
        services.set_satisfaction(form, question_name="hai_long_chung", satisfied=["khong"])


def test_a_round_is_refused_without_a_usable_frame_or_dates(commune):
    form = services.ensure_default_questionnaire()
    today = timezone.localdate()
    with pytest.raises(services.SurveyRefused):
        services.create_round(commune, form, title="x", conducted_by="MTTQ", starts_on=today,
                              ends_on=today - datetime.timedelta(days=1), villages=parse_frame("A; 3")[0])
    with pytest.raises(services.SurveyRefused):
        services.create_round(commune, form, title="x", conducted_by="MTTQ", starts_on=today, ends_on=today,
                              villages=[])
    with pytest.raises(services.SurveyRefused):
        services.create_round(commune.parent, form, title="x", conducted_by="MTTQ", starts_on=today,
                              ends_on=today, villages=parse_frame("A; 3")[0])


def test_hostile_files_are_refused_with_a_message(commune):
    survey = make_round(commune)
    questions = _questions(survey)
    with pytest.raises(services.AnswersRejected) as rejected:
        imports.read_excel(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a zip"), questions)
    assert rejected.value.errors[0].startswith("Không đọc được tệp dưới dạng bảng tính Excel (.xlsx)")
    with pytest.raises(services.AnswersRejected) as rejected:
        imports.read_kobo(SimpleUploadedFile("x.csv", "thôn;hai_long_chung\n".encode("utf-16")), questions)
    assert "UTF-8" in rejected.value.errors[0]
    with pytest.raises(services.AnswersRejected) as rejected:
        imports.read_kobo(SimpleUploadedFile("x.csv", b"a;b\n1;2\n"), questions)
    assert rejected.value.errors[0].startswith("Không cột nào của tệp khớp với câu hỏi")
    # Control characters, huge numbers and formula-looking text: refused or kept as plain text.
    text = b"hai_long_chung;y_kien_khac\nco;=HYPERLINK(\"http://x\")\nco;xin\x0bchao\n"
    read, _unknown = imports.read_kobo(SimpleUploadedFile("x.csv", text), questions)
    with pytest.raises(services.AnswersRejected) as rejected:
        services.record_answers(survey, read, channel=Channel.KOBO)
    assert rejected.value.errors == ["dòng 3: câu hỏi y_kien_khac: câu trả lời chứa ký tự điều khiển ẩn"]
    services.record_answers(survey, read[:1], channel=Channel.KOBO)
    assert Answer.objects.get(question__name="y_kien_khac").value == '=HYPERLINK("http://x")'
