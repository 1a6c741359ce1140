"""Hostile workbooks: each is refused quickly, within bounded memory, naming the part or cell,
and nothing is written. The files are built here from an exported workbook."""

import io
import re
import resource
import time
import tracemalloc
import zipfile

import pytest

from assessments.excel import layout as L
from assessments.excel.importer import import_workbook
from assessments.excel.reader import MAX_PARTS
from assessments.models import IndicatorValue
from assessments.tests import test_excel_support as support
from assessments.tests.test_excel_support import exported, meta_columns, row_of

pytestmark = pytest.mark.django_db
world = support.world
MB = 1024 * 1024


def workbook_bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def sheet_part(wb, name) -> str:
    return f"xl/worksheets/sheet{wb.sheetnames.index(name) + 1}.xml"


def rewrite(content: bytes, changes: dict) -> bytes:
    """A copy of the zip with the named parts replaced (bytes, or a function of the old bytes,
    or a function writing into an open stream for parts too large to hold)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist() + [n for n in changes if n not in source.namelist()]
        for name in names:
            old = source.read(name) if name in source.namelist() else b""
            change = changes.get(name)
            if change is None:
                target.writestr(name, old)
            elif isinstance(change, bytes):
                target.writestr(name, change)
            elif getattr(change, "streams", False):
                with target.open(name, "w", force_zip64=True) as stream:
                    change(old, stream)
            else:
                target.writestr(name, change(old))
    return out.getvalue()


def bomb(old: bytes, stream) -> None:
    """The sheet with 300 MB of blanks before its end (compresses to ~300 KB)."""
    head, tail = old.rsplit(b"</worksheet>", 1)
    stream.write(head)
    blanks = b" " * MB
    for _ in range(300):
        stream.write(blanks)
    stream.write(b"</worksheet>" + tail)


bomb.streams = True

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                     for i in range(1, 10))
          + b"]>")


def with_doctype(old: bytes) -> bytes:
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", old)
    return LAUGHS + body.replace(b"<sheetData>", b"<sheetData>&lol9;", 1) if b"<sheetData>" in body else LAUGHS + body


def huge_dimension(old: bytes) -> bytes:
    old = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', old)
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return old.replace(b"</sheetData>", far + b"</sheetData>")


def hostile_workbooks(world):
    """(name, bytes, expected part or cell in the first problem's location)."""
    wb = exported(world)
    data_part = sheet_part(wb, L.DATA_SHEET)
    clean = workbook_bytes(wb)
    cell = f"{meta_columns(wb)['10.1']}{row_of(wb, world['communes'][1].ref)}"
    files = [
        ("zip bomb", rewrite(clean, {data_part: bomb}), data_part),
        ("declared dimension", rewrite(clean, {data_part: huge_dimension}), f"{L.DATA_SHEET}!A"),
        ("DOCTYPE in a sheet", rewrite(clean, {data_part: with_doctype}), data_part),
        ("entities in shared strings", rewrite(clean, {"xl/sharedStrings.xml": with_doctype}),
         "xl/sharedStrings.xml"),
        ("too many parts", rewrite(clean, {f"xl/x{i}.bin": b"" for i in range(MAX_PARTS)}), ""),
    ]
    ws, meta = wb[L.DATA_SHEET], wb[L.META_SHEET]
    ws[cell] = 1e308
    files.append(("1e308", workbook_bytes(wb), f"{L.DATA_SHEET}!{cell}"))
    ws[cell] = "=1+1"
    formula = rewrite(workbook_bytes(wb), {data_part: lambda old: old.replace(b"<f>1+1</f><v></v>",
                                                                               b"<f>1+1</f><v>45</v>")})
    files.append(("formula with a crafted cached value", formula, f"{L.DATA_SHEET}!{cell}"))
    ws[cell] = 45
    meta_row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "first_data_row")
    meta.cell(meta_row, 2).value = "bốn"
    files.append(("non-number in _meta", workbook_bytes(wb), f"{L.META_SHEET}!B{meta_row}"))
    meta.cell(meta_row, 2).value = 4
    code_row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "code_column")
    meta.cell(code_row, 2).value = "1e308"
    files.append(("bad column in _meta", workbook_bytes(wb), f"{L.META_SHEET}!B{code_row}"))
    meta.cell(code_row, 2).value = "A"
    meta.cell(meta_row, 2).value = "=4"
    files.append(("formula in _meta", workbook_bytes(wb), L.META_SHEET))
    return files


def test_every_hostile_workbook_is_refused_quickly_in_bounded_memory_and_writes_nothing(world):
    before = IndicatorValue.objects.count()
    for name, content, where in hostile_workbooks(world):
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux: a high-water mark
        tracemalloc.start()
        started = time.perf_counter()
        result = import_workbook(io.BytesIO(content), user=world["officer"], source="t", reason="sửa")
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) * 1024
        assert not result.ok, name
        problem = result.problems[0]
        assert problem.where.startswith(where), (name, str(problem))
        assert elapsed < 2, (name, elapsed)
        assert peak < 100 * MB and grown < 100 * MB, (name, peak, grown)
        assert IndicatorValue.objects.count() == before, name
        print(f"{name}: {elapsed * 1000:.0f} ms, peak {peak / MB:.1f} MB traced, +{grown / MB:.1f} MB rss: "
              f"{problem}")


def test_refusals_name_the_part_in_vietnamese(world):
    wb = exported(world)
    data_part = sheet_part(wb, L.DATA_SHEET)
    clean = workbook_bytes(wb)
    result = import_workbook(io.BytesIO(rewrite(clean, {data_part: bomb})), user=world["officer"])
    assert result.problems[0].sheet == data_part and "MB" in result.problems[0].message
    assert "không phải là bảng tính Excel (.xlsx) dùng được" in result.problems[0].message
    result = import_workbook(io.BytesIO(rewrite(clean, {data_part: with_doctype})), user=world["officer"])
    assert "DOCTYPE" in result.problems[0].message and result.problems[0].sheet == data_part


def test_a_part_compressed_suspiciously_well_is_refused(world):
    wb = exported(world)
    part = sheet_part(wb, L.DATA_SHEET)
    padded = rewrite(workbook_bytes(wb), {part: lambda old: old.replace(b"</worksheet>", b" " * (20 * MB) + b"</worksheet>")})
    result = import_workbook(io.BytesIO(padded), user=world["officer"])
    assert result.problems[0].sheet == part and "nén" in result.problems[0].message


def test_a_declared_dimension_alone_is_ignored_and_the_workbook_imports(world):
    wb = exported(world)
    cell = f"{meta_columns(wb)['12.1']}{row_of(wb, world['communes'][1].ref)}"
    wb[L.DATA_SHEET][cell] = 93
    part = sheet_part(wb, L.DATA_SHEET)
    content = rewrite(workbook_bytes(wb), {part: lambda old: re.sub(
        rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', old)})
    started = time.perf_counter()
    result = import_workbook(io.BytesIO(content), user=world["officer"], source="t", reason="cập nhật")
    assert result.ok, result.problems
    assert result.corrected == 1 and time.perf_counter() - started < 2


def test_a_formula_cell_is_refused_naming_its_cell(world):
    wb = exported(world)
    cell = f"{meta_columns(wb)['10.1']}{row_of(wb, world['communes'][0].ref)}"
    wb[L.DATA_SHEET][cell] = "=SUM(D4:D5)"
    result = import_workbook(io.BytesIO(workbook_bytes(wb)), user=world["officer"], source="t", reason="x")
    assert [p.where for p in result.problems] == [f"{L.DATA_SHEET}!{cell}"]
    assert "công thức" in result.problems[0].message


def test_the_marked_copy_of_a_zip_bomb_is_not_opened(world):
    from assessments.excel.marking import mark_problems
    from assessments.excel.reader import NotAWorkbook

    wb = exported(world)
    content = rewrite(workbook_bytes(wb), {sheet_part(wb, L.DATA_SHEET): bomb})
    with pytest.raises(NotAWorkbook):
        mark_problems(content, [{"sheet": L.DATA_SHEET, "cell": "A1", "message": "x"}])


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="UTF-7"?>',
                                         b'\xef\xbb\xbf<?xml version="1.0" encoding="cp037"?>'])
def test_a_part_in_an_unusual_encoding_is_refused(world, declaration):
    wb = exported(world)
    part = sheet_part(wb, L.DATA_SHEET)
    content = rewrite(workbook_bytes(wb), {part: lambda old: declaration + re.sub(rb"^<\?xml[^>]*\?>", b"", old)})
    result = import_workbook(io.BytesIO(content), user=world["officer"])
    assert result.problems[0].sheet == part and "bảng mã" in result.problems[0].message


def test_a_doctype_in_a_part_with_any_name_is_refused(world):
    content = rewrite(workbook_bytes(exported(world)), {"xl/custom/anything.dat": LAUGHS + b"<a/>"})
    result = import_workbook(io.BytesIO(content), user=world["officer"])
    assert result.problems[0].sheet == "xl/custom/anything.dat"


def test_an_import_refuses_to_change_a_value_recorded_by_someone_else_after_the_export(world):
    from assessments import services

    wb = exported(world)
    commune = world["communes"][1]
    income = f"{meta_columns(wb)['10.1']}{row_of(wb, commune.ref)}"
    water = f"{meta_columns(wb)['12.1']}{row_of(wb, commune.ref)}"
    wb[L.DATA_SHEET][water] = 93  # the importer's own change
    # Someone else corrects the income after the export; the workbook still has the old value.
    services.record_values(commune, world["period"], {"10.1": "77"}, user=world["commune_officer"],
                           source="xã", reason="điều tra lại")
    before = IndicatorValue.objects.count()
    result = import_workbook(io.BytesIO(workbook_bytes(wb)), user=world["officer"], source="t", reason="cập nhật")
    assert [p.where for p in result.problems] == [f"{L.DATA_SHEET}!{income}"]
    assert "sau khi bản của bạn được tạo" in result.problems[0].message and "77" in result.problems[0].message
    assert IndicatorValue.objects.count() == before
    # The importer's own later corrections of the same workbook are not conflicts.
    wb[L.DATA_SHEET][income] = 77
    assert import_workbook(io.BytesIO(workbook_bytes(wb)), user=world["officer"], source="t", reason="x").ok
    wb[L.DATA_SHEET][water] = 94
    again = import_workbook(io.BytesIO(workbook_bytes(wb)), user=world["officer"], source="t", reason="x")
    assert again.ok and again.corrected == 1
