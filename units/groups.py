"""The commune-group rule of QĐ 51/2025/QĐ-TTg, as a pure function of the facts it names.

Group 1: a commune adjacent to an existing urban area and oriented to become urban, or whose
agriculture is under 10% of its economy, or oriented to become a new urban area.
Group 3: a commune of area II or III of the ethnic-minority and mountain area.
Group 2: the others.
The decision does not say which group a commune meeting both the group 1 and the group 3
conditions belongs to: the rule then proposes nothing and says so; the province decides.
Source: shared/domain/criteria-sources.md §5 (thoibaotaichinhvietnam.vn, 30/12/2025).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

GROUP_1, GROUP_2, GROUP_3 = "nhom-1", "nhom-2", "nhom-3"
GROUPS = (GROUP_1, GROUP_2, GROUP_3)
GROUP_NAMES = {GROUP_1: "Xã nhóm 1", GROUP_2: "Xã nhóm 2", GROUP_3: "Xã nhóm 3"}
AGRICULTURE_LIMIT = Decimal(10)
SOURCE = "QĐ 51/2025/QĐ-TTg (nhóm xã)"


@dataclass(frozen=True)
class Facts:
    agriculture_share: Decimal | None = None  # % of the commune's economy
    near_urban: bool | None = None  # adjacent to an urban area and oriented to become urban
    new_urban: bool | None = None  # oriented to become a new urban area
    ethnic_area: str = ""  # "0" outside, "1", "2", "3" (area I, II, III); "" unknown


def facts_of(record) -> Facts:
    """The facts stored on a units.models.CommuneGroup row (or none)."""
    if record is None:
        return Facts()
    return Facts(record.agriculture_share, record.near_urban, record.new_urban, record.ethnic_area)


@dataclass
class Proposal:
    group: str  # "" when no group can be proposed
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        if self.group:
            return f"Đề xuất {GROUP_NAMES[self.group]}: " + "; ".join(self.reasons) + "."
        if self.missing:
            return "Chưa đề xuất được nhóm: thiếu " + ", ".join(self.missing) + "."
        return "Chưa đề xuất được nhóm: " + "; ".join(self.reasons) + "."


def propose(facts: Facts) -> Proposal:
    """The group the facts give, with the reasons; nothing is guessed from missing facts."""
    missing = []
    if facts.agriculture_share is None:
        missing.append("tỷ trọng nông nghiệp trong cơ cấu kinh tế")
    if facts.near_urban is None:
        missing.append("có liền kề đô thị và định hướng thành đô thị hay không")
    if facts.new_urban is None:
        missing.append("có định hướng đô thị mới hay không")
    if facts.ethnic_area == "":
        missing.append("khu vực vùng đồng bào dân tộc thiểu số và miền núi")
    if missing:
        return Proposal("", missing=missing)
    group1 = []
    if facts.near_urban:
        group1.append("liền kề đô thị hiện hữu, có định hướng phát triển thành đô thị")
    if facts.agriculture_share < AGRICULTURE_LIMIT:
        share = format(Decimal(facts.agriculture_share).normalize(), "f").replace(".", ",")
        group1.append(f"nông nghiệp chiếm {share}% (< 10%) cơ cấu kinh tế")
    if facts.new_urban:
        group1.append("định hướng phát triển đô thị mới")
    group3 = facts.ethnic_area in ("2", "3")
    area = {"0": "ngoài vùng", "1": "khu vực I", "2": "khu vực II", "3": "khu vực III"}[facts.ethnic_area]
    if group1 and group3:
        return Proposal("", reasons=group1 + [
            f"đồng thời thuộc {area} vùng đồng bào dân tộc thiểu số và miền núi",
            "QĐ 51/2025 không nói nhóm nào được ưu tiên: tỉnh quyết định"])
    if group1:
        return Proposal(GROUP_1, reasons=group1)
    if group3:
        return Proposal(GROUP_3, reasons=[f"thuộc {area} vùng đồng bào dân tộc thiểu số và miền núi"])
    return Proposal(GROUP_2, reasons=[
        "không thuộc nhóm 1 (nông nghiệp từ 10% trở lên, không liền kề hoặc định hướng đô thị)",
        f"không thuộc khu vực II, III vùng đồng bào dân tộc thiểu số và miền núi ({area})"])
