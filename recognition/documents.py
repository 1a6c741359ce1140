"""The standard documents of a recognition dossier as Word files in the state layout (Nghị định
30/2020/NĐ-CP, through reporting.docx_layout), written from the frozen snapshot and the dossier's
rows, and the whole dossier (documents and uploaded files) as one streamed .zip.

The list (tờ trình, báo cáo kết quả tự đánh giá, báo cáo tổng hợp ý kiến, biên bản họp) is the one
found for the older procedure (TT 40/2014; criteria-sources.md §3: the 2021-2025 list was not
found); the documents are drafts to check and sign, not official text. Vietnamese is written
directly (official documents are not translated)."""

from __future__ import annotations

import datetime
import zipfile
from dataclasses import dataclass

from django.utils import timezone

from config.text import safe_stem
from recognition import checks
from recognition.conditions import all_conditions, latest_records
from reporting import docx_layout as layout

STATES = {"met": "Đạt", "unmet": "Chưa đạt", "missing": "Chưa có số liệu", "unknown": "Chưa rõ"}
DRAFT = "(Dự thảo do hệ thống lập từ hồ sơ; kiểm tra trước khi ký)"


def _day(value) -> str:
    if not value:
        return "—"
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return layout.vn_number(value)


def _is_demo() -> bool:
    from reporting.documents import is_demo

    return is_demo()


def _start(dossier, kind_title: str, subject: str, number: str):
    from docx import Document

    document = Document()
    layout.setup(document)
    province = dossier.unit.parent.parent if dossier.unit.parent and dossier.unit.parent.parent else dossier.unit.parent
    superior = f"UBND {province.name.upper()}" if province else ""
    place = province.name.removeprefix("Tỉnh ").strip() if province else dossier.unit.name
    layout.header(document, superior=superior, body=f"UBND {dossier.unit.name.upper()}", number=number,
                  place=place, day=timezone.localdate())
    layout.para(document, "", space_after=0)
    layout.para(document, kind_title, bold=True, align="center", space_after=0)
    layout.para(document, subject, bold=True, align="center", space_after=0)
    if _is_demo():
        layout.para(document, layout.DEMO_MARK, italic=True, align="center", space_after=0)
    layout.para(document, DRAFT, italic=True, size=12, align="center", space_after=0)
    layout.para(document, "—————", align="center", space_after=6)
    return document


def _level(dossier) -> str:
    if dossier.snapshot and dossier.snapshot.get("level_name"):
        return dossier.snapshot["level_name"]
    return dossier.level_code


def _sign(document, dossier) -> None:
    layout.closing(document, ["- Như trên;", "- Lưu: VT."], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])


def to_trinh(dossier) -> bytes:
    result = checks.target_result(dossier.snapshot)
    level = _level(dossier)
    document = _start(dossier, "TỜ TRÌNH", f"Đề nghị xét, công nhận {dossier.unit.name} đạt chuẩn {level} "
                                           f"năm {dossier.registered_on.year}", "Số:      /TTr-UBND")
    layout.para(document, "Kính gửi: Ủy ban nhân dân tỉnh.", align="center")
    layout.para(document, "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02/08/2022 của Thủ tướng Chính phủ ban hành "
                          "Quy định điều kiện, trình tự, thủ tục, hồ sơ xét, công nhận, công bố và thu hồi quyết "
                          "định công nhận địa phương đạt chuẩn nông thôn mới;", indent=True)
    if result:
        layout.para(document, f"Kết quả tự đánh giá ngày {_day(dossier.snapshot_on)} theo {result.get('set_name') or ''}: "
                              f"{result['criteria_met']}/{result['criteria_total']} tiêu chí đạt chuẩn.", indent=True)
    survey = getattr(dossier, "survey", None)
    if survey is not None:
        layout.para(document, f"Tỷ lệ hộ hài lòng: {layout.vn_number(survey.share)}% "
                              f"({survey.satisfied}/{survey.households_surveyed} hộ được khảo sát).", indent=True)
    layout.para(document, f"Ủy ban nhân dân {dossier.unit.name} kính đề nghị Ủy ban nhân dân tỉnh xem xét, thẩm "
                          f"định và công nhận {dossier.unit.name} đạt chuẩn {level} năm "
                          f"{dossier.registered_on.year}.", indent=True)
    _sign(document, dossier)
    return layout.save(document)


def bao_cao_tu_danh_gia(dossier) -> bytes:
    result = checks.target_result(dossier.snapshot)
    document = _start(dossier, "BÁO CÁO", f"Kết quả tự đánh giá mức độ đạt chuẩn {_level(dossier)} "
                                         f"của {dossier.unit.name}", "Số:      /BC-UBND")
    if result is None:
        layout.para(document, "Chưa chốt kết quả tự đánh giá.", italic=True, indent=True)
        return layout.save(document)
    layout.para(document, f"Số liệu chốt ngày {_day(dossier.snapshot_on)} (kỳ {dossier.snapshot['period']}), "
                          f"bộ tiêu chí {result.get('set_name') or dossier.snapshot['set_code']}: "
                          f"{result['criteria_met']}/{result['criteria_total']} tiêu chí đạt, "
                          f"{result['criteria_unmet']} chưa đạt, {result['criteria_missing']} chưa có số liệu.",
                indent=True)
    if result.get("illustrative"):
        layout.para(document, "Ngưỡng minh họa: chưa đối chiếu văn bản gốc.", italic=True, indent=True)
    layout.para(document, "I. KẾT QUẢ THEO TIÊU CHÍ", bold=True)
    layout.table(document, ["STT", "Tiêu chí", "Kết quả", "Giải thích"],
                 [[str(i), f"{c['code']}. {c['name']}", STATES.get(c["status"], c["status"]), c["explanation"]]
                  for i, c in enumerate(result["criteria"], start=1)])
    layout.para(document, "II. CHỈ TIÊU, GIÁ TRỊ VÀ NGƯỠNG", bold=True)
    rows = []
    for c in result["criteria"]:
        for ind in c["indicators"]:
            rows.append([f"{ind['code']} {ind['name']}", _value(ind["value"]),
                         f"{ind['operator']} {_value(ind['threshold'])} {ind['unit']}".strip(),
                         STATES.get(ind["status"], ind["status"])])
    layout.table(document, ["Chỉ tiêu", "Giá trị", "Ngưỡng", "Kết quả"], rows)
    _sign(document, dossier)
    return layout.save(document)


def bao_cao_tong_hop_y_kien(dossier) -> bytes:
    document = _start(dossier, "BÁO CÁO", f"Tổng hợp ý kiến tham gia vào kết quả tự đánh giá của "
                                         f"{dossier.unit.name}", "Số:      /BC-UBND")
    layout.para(document, "I. Ý KIẾN CỦA MẶT TRẬN TỔ QUỐC VÀ CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI", bold=True)
    layout.para(document, dossier.opinions or "Chưa có.", indent=True)
    layout.para(document, "II. CÔNG KHAI, NIÊM YẾT", bold=True)
    if dossier.posting_start:
        dates = [b.on for b in dossier.broadcast_rows.all()]
        text = (f"Niêm yết tại {dossier.posted_where} từ {_day(dossier.posting_start)} đến "
                f"{_day(dossier.posting_end)}; thông báo trên hệ thống truyền thanh {dossier.broadcasts} lần")
        text += f" (các ngày {', '.join(_day(d) for d in dates)})." if dates else "."
        layout.para(document, text, indent=True)
    else:
        layout.para(document, "Chưa niêm yết.", indent=True)
    layout.para(document, "III. Ý KIẾN GÓP Ý VÀ TIẾP THU, GIẢI TRÌNH", bold=True)
    comments = list(dossier.posting_comments.all())
    if comments:
        layout.table(document, ["STT", "Người góp ý", "Nội dung", "Tiếp thu, giải trình"],
                     [[str(i), c.commenter or "—", c.comment, c.answer or "Chưa trả lời"]
                      for i, c in enumerate(comments, start=1)])
    else:
        layout.para(document, "Không nhận được ý kiến góp ý.", indent=True)
    _sign(document, dossier)
    return layout.save(document)


def bien_ban(dossier) -> bytes:
    document = _start(dossier, "BIÊN BẢN", f"Họp xét, đề nghị công nhận {dossier.unit.name} đạt chuẩn "
                                          f"{_level(dossier)}", "")
    layout.para(document, "I. ĐIỀU KIỆN CÔNG NHẬN (Điều 4.1 Quyết định 18/2022/QĐ-TTg)", bold=True)
    layout.table(document, ["Điều kiện", "Kết quả", "Chi tiết"],
                 [[c.label, STATES.get(c.state, c.state), c.detail] for c in all_conditions(dossier)])
    layout.para(document, "II. THẨM ĐỊNH", bold=True)
    if dossier.appraised_by:
        layout.para(document, f"{dossier.appraised_by}, ngày {_day(dossier.appraised_on)}: "
                              f"{dossier.appraisal_findings}", indent=True)
    else:
        layout.para(document, "Chưa thẩm định.", indent=True)
    layout.closing(document, [], ["THƯ KÝ", "", "CHỦ TRÌ"])
    return layout.save(document)


@dataclass(frozen=True)
class DocumentKind:
    slug: str
    title: str
    build: object


DOCUMENTS = {d.slug: d for d in (
    DocumentKind("to-trinh", "Tờ trình", to_trinh),
    DocumentKind("bao-cao-tu-danh-gia", "Báo cáo kết quả tự đánh giá", bao_cao_tu_danh_gia),
    DocumentKind("bao-cao-tong-hop-y-kien", "Báo cáo tổng hợp ý kiến", bao_cao_tong_hop_y_kien),
    DocumentKind("bien-ban", "Biên bản họp", bien_ban),
)}


def document_name(dossier, slug: str) -> str:
    return f"{slug}-{safe_stem(dossier.unit.name)}-{dossier.pk}.docx"


# --- the whole dossier as one zip ---------------------------------------------------------------


class _Sink:
    """A write-only file for zipfile that hands what was written to the response in chunks."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def _stored(field_file, stem: str) -> tuple[str, object] | None:
    if not field_file or not field_file.name:
        return None
    ext = field_file.name.rsplit(".", 1)[-1].lower() if "." in field_file.name else "bin"
    ext = "".join(ch for ch in ext if ch.isalnum())[:5] or "bin"
    return f"tep-dinh-kem/{safe_stem(stem)}.{ext}", field_file


def zip_members(dossier) -> list[tuple[str, object]]:
    """(name in the zip, bytes or a stored file) for every document and upload of the dossier."""
    members: list[tuple[str, object]] = [
        (document_name(dossier, slug), kind.build) for slug, kind in DOCUMENTS.items()]
    files = [_stored(dossier.decision_pdf, f"quyet-dinh-{dossier.pk}")]
    for kind, record in latest_records(dossier).items():
        files.append(_stored(record.document, f"{kind}-{record.document_ref}"))
    decision_record = getattr(dossier.recognition, "decision_record", None) if dossier.recognition else None
    if decision_record is not None:
        files.append(_stored(decision_record.signed_scan, f"ban-quet-quyet-dinh-{dossier.recognition_id}"))
    seen = set()
    for found in files:
        if found and found[0] not in seen:
            seen.add(found[0])
            members.append(found)
    return members


def stream_zip(dossier):
    """Yield the zip of the dossier piece by piece (documents built one at a time, files copied in
    chunks), so a large dossier is never held in memory whole."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in zip_members(dossier):
            if callable(content):
                archive.writestr(name, content(dossier))
            else:
                try:
                    content.open("rb")
                except (FileNotFoundError, OSError):
                    continue
                with content, archive.open(name, "w") as target:
                    for chunk in content.chunks():
                        target.write(chunk)
                        yield sink.take()
            yield sink.take()
    yield sink.take()
