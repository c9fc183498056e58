"""Every table exports to CSV and XLSX with the page's filters, streamed from a generator."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from caseflow.stats.sections import SECTIONS


@pytest.fixture
def sup(login_as, generated):
    return login_as("gen-500000-s1")


def tables_of(web, section, query=""):
    page = web.get(f"/stats/{section}{query}").data.decode()
    return re.findall(rf'href="/stats/{section}/([a-z_]+)\.csv', page)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_table_exports_csv_and_xlsx(sup, section):
    keys = tables_of(sup, section)
    assert keys, section
    for key in keys:
        r = sup.get(f"/stats/{section}/{key}.csv?from=2024-01&to=2026-11&procedure=complaint")
        assert r.status_code == 200 and r.is_streamed, key
        assert r.headers["Content-Type"].startswith("text/csv")
        text = r.data.decode("utf-8-sig")
        assert "统计期间：2024-01 至 2026-11" in text and "程序：投诉举报" in text
        x = sup.get(f"/stats/{section}/{key}.xlsx?from=2024-01&to=2026-11&procedure=complaint")
        assert x.status_code == 200 and x.is_streamed
        book = zipfile.ZipFile(io.BytesIO(x.data))
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "2024-01" in sheet or "<c " in sheet


def test_same_filters_same_numbers(sup):
    q = "?from=2025-01&to=2025-12&unit=500103&ip_type=trademark"
    page = sup.get(f"/stats/monthly{q}").data.decode()
    total = re.search(r"<td class=\"\">合计</td><td class=\"n\">(\d+)</td><td class=\"n\">(\d+)</td><td "
                      r"class=\"n\">(\d+)</td>",
                      page)
    assert total, "no total row"
    rows = list(csv.reader(io.StringIO(sup.get(f"/stats/monthly/by_month.csv{q}").data.decode("utf-8-sig"))))
    assert rows[-1] == ["合计", *total.groups()]
    x = sup.get(f"/stats/monthly/by_month.xlsx{q}")
    sheet = zipfile.ZipFile(io.BytesIO(x.data)).read("xl/worksheets/sheet1.xml").decode()
    for n in total.groups():
        assert f"<v>{n}</v>" in sheet


def test_overdue_list_exports_every_row(sup):
    page = sup.get("/stats/deadlines").data.decode()
    total = int(re.search(r"共 (\d+) 条", page).group(1))
    assert total > 0
    r = sup.get("/stats/deadlines/overdue.csv")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    header = rows.index(["案号", "程序", "状态", "期限", "届满日", "承办人"])
    assert len(rows) - header - 1 == total
    x = sup.get("/stats/deadlines/overdue.xlsx")
    assert "/cases/" in zipfile.ZipFile(io.BytesIO(x.data)).read("xl/worksheets/_rels/sheet1.xml.rels").decode()


def test_exports_consume_rows_lazily():
    """CSV yields before the rows run out; XLSX writes them through one by one (constant memory)."""
    from caseflow.stats.exports import csv_stream, xlsx_stream
    from caseflow.stats.sections import Column, Table

    produced = []

    def rows():
        for i in range(5000):
            produced.append(i)
            yield {"n": i}

    table = Table("t", "测试", [Column("n", "n")], rows)
    stream = csv_stream(table, ["说明"])
    next(stream), next(stream), next(stream)
    assert 0 < len(produced) < 5000
    rest = b"".join(stream)
    assert len(produced) == 5000 and rest.count(b"\n") >= 4000
    produced.clear()
    data = b"".join(xlsx_stream(table, ["说明"]))
    assert len(produced) == 5000 and data[:2] == b"PK"
