"""CSV and XLSX exports of any statistics table, streamed: rows come from a generator and never sit in memory.

CSV is written line by line into the response. XLSX is written by XlsxWriter in ``constant_memory`` mode
(each row goes to a temporary file as soon as it is written), then the finished file is sent in chunks
and deleted.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Iterator

from caseflow.stats.sections import Table

CHUNK = 64 * 1024


def _cell(column, value, *, for_csv: bool = False):
    if value is None:
        return ""
    if column.kind == "link":
        value = value[0]
    elif column.kind == "pct":
        return round(value * 100, 2)
    elif column.kind == "num":
        return round(value, 2)
    if for_csv and isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # never a formula in a spreadsheet (names and labels come from people)
    return value


def _header(column) -> str:
    return column.title + ("（%）" if column.kind == "pct" else "")


def csv_stream(table: Table, preamble: list[str]) -> Iterator[bytes]:
    """Yield a UTF-8 CSV (with BOM, so that Excel reads Chinese) of the table, one row at a time."""
    buf = io.StringIO()
    writer = csv.writer(buf)

    def flush() -> bytes:
        data = buf.getvalue().encode("utf-8")
        buf.seek(0)
        buf.truncate()
        return data

    yield "\ufeff".encode()
    for line in preamble:
        writer.writerow([line])
    writer.writerow([_header(c) for c in table.columns])
    yield flush()
    pending = 0
    for row in table.rows():
        writer.writerow([_cell(c, row.get(c.key), for_csv=True) for c in table.columns])
        pending += 1
        if pending >= 500:
            yield flush()
            pending = 0
    yield flush()


def xlsx_stream(table: Table, preamble: list[str]) -> Iterator[bytes]:
    """Write the table to a temporary XLSX in constant memory, then yield the file in chunks."""
    import xlsxwriter

    fd, path = tempfile.mkstemp(prefix="caseflow-stats-", suffix=".xlsx")
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
        sheet = book.add_worksheet(table.title[:31])
        bold = book.add_format({"bold": True})
        pct = book.add_format({"num_format": "0.00"})
        r = 0
        for line in preamble:
            sheet.write_string(r, 0, line)
            r += 1
        for c, column in enumerate(table.columns):
            sheet.write_string(r, c, _header(column), bold)
            sheet.set_column(c, c, max(10, min(40, len(column.title) * 2 + 2)))
        r += 1
        for row in table.rows():
            for c, column in enumerate(table.columns):
                value = _cell(column, row.get(column.key))
                if value == "":
                    continue
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(r, c, value, pct if column.kind in ("pct", "num") else None)
                elif column.kind == "link":
                    sheet.write_url(r, c, row[column.key][1], string=str(value))
                else:
                    sheet.write_string(r, c, str(value))
            r += 1
        book.close()
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
