"""The rules a dossier is checked against, each with its source and how far it was verified
(../shared/domain/criteria-sources.md §3). Numbers are settings so that a verified text can
change them without code: `settings.NTM_POSTING_MIN_BROADCASTS` etc. override the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

POSTING_SOURCE = (
    "QĐ 18/2022/QĐ-TTg Điều 5 (theo bản tóm tắt trên thuvienphapluat.vn, "
    "https://beta.thuvienphapluat.vn/phap-luat/uy-ban-nhan-dan-xa-co-the-to-chuc-xet-xa-dat-chuan-nong-thon-moi-"
    "truoc-thoi-diem-danh-gia-dat-chuan-320579-45315.html)"
)
# V2 in the sources: read in a secondary summary, not in the decision's own text.
POSTING_STATUS = "chưa xác minh với văn bản gốc"

SATISFACTION_SOURCE = (
    "QĐ 18/2022/QĐ-TTg Điều 4.1(b) chỉ ghi \"đáp ứng yêu cầu theo quy định\"; 90% là mức tham khảo "
    "(QĐ 320 cho huyện; báo cáo khảo sát Tiền Giang 2024)"
)
SATISFACTION_STATUS = "chưa xác nhận mức cho xã"

PROCEDURE_2026 = (
    "Chưa tìm thấy quy định về trình tự, thủ tục công nhận thay thế QĐ 18/2022/QĐ-TTg cho giai đoạn "
    "2026-2030; hồ sơ được theo dõi theo các bước của QĐ 18/2022."
)


@dataclass(frozen=True)
class PostingRule:
    min_broadcasts: int
    min_days: int
    source: str = POSTING_SOURCE
    status: str = POSTING_STATUS

    @property
    def text(self) -> str:
        return (f"Niêm yết tại trụ sở UBND xã, nhà văn hóa thôn và thông báo trên hệ thống truyền thanh của xã "
                f"ít nhất {self.min_broadcasts} lần trong thời gian {self.min_days} ngày")


def posting_rule() -> PostingRule:
    return PostingRule(
        min_broadcasts=getattr(settings, "NTM_POSTING_MIN_BROADCASTS", 5),
        min_days=getattr(settings, "NTM_POSTING_DAYS", 15),
    )


def satisfaction_threshold() -> float:
    """Percent of surveyed households satisfied (reference value, not confirmed for communes)."""
    return float(getattr(settings, "NTM_SATISFACTION_MIN_PERCENT", 90))
