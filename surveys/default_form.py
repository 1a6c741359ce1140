"""The questionnaire shipped with the system: an ILLUSTRATIVE residents' satisfaction form shaped
on the themes of the Fatherland Front's survey guide (Hướng dẫn 90/HD-MTTW-BTT, 20/09/2022, read
only in a secondary summary: criteria-sources.md §3.1). Its wording is not the official form: a
province replaces it by importing its own XLSForm."""

from __future__ import annotations

from surveys.xlsform import ChoiceSpec, FormSpec, QuestionSpec

CODE = "hai-long-ntm-minh-hoa"
TITLE = "Phiếu lấy ý kiến sự hài lòng của người dân về kết quả xây dựng NTM (mẫu minh họa)"
SOURCE = "Mẫu minh họa kèm theo hệ thống, theo các nội dung của Hướng dẫn 90/HD-MTTW-BTT (chưa phải mẫu chính thức)"


def _scale() -> list[ChoiceSpec]:
    return [ChoiceSpec("rat_hai_long", "Rất hài lòng", True), ChoiceSpec("hai_long", "Hài lòng", True),
            ChoiceSpec("chua_hai_long", "Chưa hài lòng"), ChoiceSpec("khong_y_kien", "Không có ý kiến")]


TOPICS = [
    ("giao_thong", "Đường giao thông trong thôn, xã"),
    ("nuoc_sach", "Nước sinh hoạt hợp vệ sinh"),
    ("moi_truong", "Vệ sinh môi trường, thu gom rác thải"),
    ("truong_tram", "Trường học, trạm y tế"),
    ("doi_song", "Thu nhập, đời sống của gia đình so với trước"),
]


def spec() -> FormSpec:
    questions = [QuestionSpec(
        "hai_long_chung", "Ông/bà có hài lòng với kết quả xây dựng nông thôn mới của xã không?", "select_one",
        required=True, decides_satisfaction=True, choices=[ChoiceSpec("co", "Hài lòng", True),
                                                           ChoiceSpec("khong", "Chưa hài lòng")])]
    questions += [QuestionSpec(name, f"Mức độ hài lòng: {label}", "select_one", choices=_scale())
                  for name, label in TOPICS]
    questions.append(QuestionSpec("y_kien_khac", "Ý kiến, kiến nghị khác của ông/bà", "text"))
    return FormSpec(title=TITLE, form_id=CODE, version="2026-minh-hoa", questions=questions)
