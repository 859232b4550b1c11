"""The tally exports: workbooks and PDFs hold the page's figures, within the user's scope.

PDFs are read back with poppler's pdftotext and pdffonts, as a person opening them would
see them: the figures in the text, and a CJK font embedded so they print anywhere.
"""

import io
import subprocess
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from people.services import tally_export
from tests.people.tally_service import YEAR, build_service

D = Decimal


@pytest.fixture
def service(city):
    return build_service(city)


def get(client, name, **params):
    return client.get(reverse(name), {"year": YEAR, **params})


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def filename_of(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=utf-8''")[1])


def pdf_text(response, tmp_path) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "tally.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text


def squeezed(text: str) -> str:
    """pdftotext breaks lines and pads columns; compare without any whitespace."""
    return "".join(text.split())


def test_units_workbook_holds_the_page_figures(client, service):
    client.force_login(service["city_hr"])
    page = get(client, "tallies:units")
    response = get(client, "tallies:units", format="xlsx")
    assert filename_of(response) == f"单位学时统计-{YEAR}年-全市文化市场综合执法.xlsx"
    title, headers, *data = rows_of(response)
    assert title[0].startswith(f"单位学时统计　{YEAR}年度　全市文化市场综合执法　导出时间：")
    assert headers[:8] == [
        "单位",
        "人数",
        "总学时",
        "人均学时",
        "达标人数",
        "达标率（%）",
        "参训人数",
        "参训率（%）",
    ]
    assert headers[8:14] == ["网络课程", "脱产培训班", "集体学习", "考试", "竞赛", "外部培训"]
    groups = [group for _depth, group in page.context["rows"]]
    assert [row[0] for row in data] == [g.name for g in groups]
    for row, group in zip(data, groups, strict=True):
        assert row[1] == group.headcount and isinstance(row[1], int)
        assert D(str(row[2])) == group.total_hours and isinstance(row[2], int | float)
        assert D(str(row[3])) == group.average_hours
        assert D(str(row[5])) == group.met_percent
        assert D(str(row[9])) == group.hours_by_kind["class"]
    east = data[3]
    assert east[0] == "东区文化执法局" and east[-3:] == [30, 50, "未完成"]
    assert data[0][-3:] == [None, None, "—"]


def test_unit_hr_exports_only_its_subtree(client, service, tmp_path):
    client.force_login(service["east_hr"])
    officers = rows_of(get(client, "tallies:officers", format="xlsx"))
    assert [row[0] for row in officers[2:]] == ["31003", "31001", "31002"]
    units = rows_of(get(client, "tallies:units", format="xlsx"))
    assert [row[0] for row in units[2:]] == ["东区文化执法局", "东区一中队"]
    assert "东区文化执法局" in units[0][0]
    domains = rows_of(get(client, "tallies:domains", format="xlsx"))
    assert {row[0]: row[1] for row in domains[2:] if row and row[1] is not None}["新闻出版"] == 0
    for name in ("tallies:units", "tallies:officers", "tallies:domains", "tallies:summary"):
        text = pdf_text(get(client, name, format="pdf"), tmp_path)
        assert "西区" not in text and "支队戊" not in text and "32001" not in text, name


def test_officers_workbook_has_every_row_and_the_short_filter(client, service):
    client.force_login(service["city_hr"])
    title, headers, *data = rows_of(get(client, "tallies:officers", format="xlsx"))
    assert headers[:4] == ["工号", "姓名", "单位", "职务"]
    assert headers[10:] == [
        "合计学时",
        "应修学时",
        "是否达标",
        "差额",
        "完成课程",
        "参加考试",
        "通过考试",
        "证书",
    ]
    by_number = {row[0]: row for row in data}
    assert set(by_number) == {"31001", "31002", "31003", "32001", "33001"}
    e1 = by_number["31001"]
    assert e1[1:4] == ["东区甲", "东区一中队", "中队长"]
    assert [D(str(v)) for v in e1[4:10]] == [D(12), D(6), D(0), D(0), D(4), D(0)]
    assert (D(str(e1[10])), D(str(e1[11])), e1[12], D(str(e1[13]))) == (
        D(22),
        D(30),
        "未达标",
        D(8),
    )
    assert e1[14:] == [0, 1, 1, 0]
    assert by_number["31002"][12:14] == ["达标", 0]
    short = rows_of(get(client, "tallies:officers", format="xlsx", short="on"))
    assert short[0][0].startswith("人员学时统计（未达标）")
    assert [row[0] for row in short[2:]] == ["31003", "31001"]


def test_domains_and_summary_workbooks(client, service):
    client.force_login(service["city_hr"])
    _title, headers, *data = rows_of(get(client, "tallies:domains", format="xlsx"))
    assert headers[0] == "执法领域"
    by_name = {row[0]: row for row in data if row and row[1] is not None}
    assert by_name["网吧与网络"][1:3] == [2, 65]
    assert by_name["未分配执法领域"][1] == 1
    response = get(client, "tallies:summary", format="xlsx")
    assert filename_of(response) == f"年度培训工作总结-{YEAR}年-全市文化市场综合执法.xlsx"
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["年度总结"].iter_rows(values_only=True))
    figures = {row[0]: (row[1], row[2]) for row in rows[2:] if row and row[1] is not None}
    assert figures["举办培训班"] == (2, "期") and figures["培训执法人员"] == (3, "人次")
    assert figures["考试合格率"] == (60, "%") and figures["累计学时"] == (164, "学时")
    assert rows[-1][0].startswith("全年共举办培训班2期")
    months = list(workbook["月度学时"].iter_rows(values_only=True))
    assert months[0] == ("月份", "学时") and months[5] == (5, 13) and months[1] == (1, 0)


def test_annual_summary_pdf_is_one_a4_page_with_the_figures_and_an_embedded_cjk_font(
    client, service, tmp_path
):
    client.force_login(service["city_hr"])
    response = get(client, "tallies:summary", format="pdf")
    assert filename_of(response) == f"年度培训工作总结-{YEAR}年-全市文化市场综合执法.pdf"
    text = squeezed(pdf_text(response, tmp_path))
    assert "全年共举办培训班2期，培训执法人员3人次，计入培训班学时13.0学时" in text
    assert "组织考试2场，参考5人次，合格3人次，合格率60.0%" in text
    assert "共有执法人员5人，全年累计培训164.0学时，人均32.8学时，3人达到年度学时要求" in text
    assert "举办培训班2期" in text and "学时达标率60.0%" in text
    assert "5月" in text and "13.0" in text  # the month chart's bar label
    path = tmp_path / "tally.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    assert "595.276 x 841.89" in info or "595 x 842" in info  # A4 portrait
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_units_and_officers_pdfs_hold_the_page_figures(client, service, tmp_path):
    client.force_login(service["city_hr"])
    units = squeezed(pdf_text(get(client, "tallies:units", format="pdf"), tmp_path))
    # 东区局: 3 officers, 65.0 hours, 21.7 average, 33.3% met, 66.7% participated.
    assert "东区文化执法局365.021.733.366.7" in units
    assert "人均学时" in units and "达标率" in units  # the side-by-side chart
    officers = get(client, "tallies:officers", format="pdf")
    assert filename_of(officers) == f"人员学时统计-{YEAR}年-全市文化市场综合执法.pdf"
    text = squeezed(pdf_text(officers, tmp_path))
    assert "31001东区甲东区一中队中队长12.06.00.00.04.00.022.030.0未达标8.0" in text
    assert "共5人" in text


def test_officers_pdf_over_the_limit_points_to_excel(client, service, monkeypatch):
    monkeypatch.setattr(tally_export, "MAX_PDF_OFFICERS", 1)
    client.force_login(service["city_hr"])
    response = get(client, "tallies:officers", format="pdf", short="on")
    assert response.status_code == 302 and "format" not in response.url
    assert "short=on" in response.url
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "共 2 人，PDF 最多列出 1 人" in message and "导出 Excel" in message
