"""The layout of an official document (Nghị định 30/2020/NĐ-CP): page, fonts, the national
header, title, tables, recipients and signature, as python-docx building blocks. Every text is
cleaned through config.text, so stored control characters never break a document."""

from __future__ import annotations

import io

from config.text import clean_text

FONT = "Times New Roman"
DEMO_MARK = "(Dữ liệu minh họa)"


def vn_number(value) -> str:
    """15.03 → "15,03" (Vietnamese decimal comma); None → "—"."""
    if value is None:
        return "—"
    return str(value).replace(".", ",")



def setup(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style_name in ("Normal", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = FONT
        style.font.size = Pt(14)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)


def para(container, text: str = "", *, bold=False, italic=False, size=14, align=None, indent=False,
          space_after=6):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           None: WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        add_text(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def add_text(paragraph, text: str, *, bold=False, italic=False, size=14):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(clean_text(text))
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    return run


def fill_cell(cell, text: str, *, bold=False, italic=False, size=13, align="center"):
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    lines = text.split("\n")
    for line in lines:
        para(cell, line, bold=bold, italic=italic, size=size, align=align, space_after=0)


def header(document, *, superior: str, body: str, number: str, place: str, day) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = True
    left, right = table.rows[0].cells
    left.paragraphs[0]._element.getparent().remove(left.paragraphs[0]._element)
    right.paragraphs[0]._element.getparent().remove(right.paragraphs[0]._element)
    if superior:
        para(left, superior, size=13, align="center", space_after=0)
    para(left, body, bold=True, size=13, align="center", space_after=0)
    para(left, "———", size=13, align="center", space_after=6)
    para(left, number, size=13, align="center", space_after=0)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align="center", space_after=0)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align="center", space_after=0)
    para(right, "———————————", size=13, align="center", space_after=6)
    para(right, f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}", italic=True, size=14,
          align="center", space_after=0)


def title(document, subject: str, demo: bool) -> None:
    para(document, "", space_after=0)
    para(document, "BÁO CÁO", bold=True, size=14, align="center", space_after=0)
    para(document, subject, bold=True, size=14, align="center", space_after=0)
    if demo:
        para(document, DEMO_MARK, italic=True, size=14, align="center", space_after=0)
    para(document, "—————", size=14, align="center", space_after=6)


def table(document, headers: list[str], rows: list[list], *, total: list | None = None):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        fill_cell(cell, text, bold=True)
    for row in rows + ([total] if total else []):
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            text = value if isinstance(value, str) else vn_number(value)
            fill_cell(cell, text, bold=row is total, align="left" if i == 0 else "center")
    para(document, "", space_after=0)
    return table


def narrative_block(document, entries: list[tuple[str, str]]) -> None:
    if not entries:
        para(document, "Chưa có nội dung do các đơn vị báo cáo trong kỳ.", italic=True, indent=True)
        return
    for name, text in entries:
        paragraph = para(document, indent=True)
        add_text(paragraph, f"- {name}: ", bold=True)
        add_text(paragraph, text)


def closing(document, recipients: list[str], signature: list[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0]._element.getparent().remove(left.paragraphs[0]._element)
    right.paragraphs[0]._element.getparent().remove(right.paragraphs[0]._element)
    para(left, "Nơi nhận:", bold=True, italic=True, size=13, align="left", space_after=0)
    for line in recipients:
        para(left, line, size=13, align="left", space_after=0)
    for line in signature:
        para(right, line, bold=True, size=14, align="center", space_after=0)
    for _i in range(4):
        para(right, "", size=14, space_after=0)


def issuer(province_name: str) -> tuple[str, str]:
    """("UBND TỈNH LÀO CAI", "Lào Cai") from "Tỉnh Lào Cai"."""
    place = province_name.removeprefix("Tỉnh ").strip() or province_name
    return f"UBND {province_name.upper()}", place


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
