"""GB/T 9704 fonts: an office that puts its licensed fonts in CASEFLOW_FONT_DIR gets them in its documents;
`flask caseflow fonts` tells which standard faces are present and what stands in for the others; the admin is warned."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from fontTools.ttLib import TTFont

from caseflow.core import pdf
from caseflow.core.pdf import fonts as pdf_fonts
from tests.factories.accounts import UserFactory

needs_poppler = pytest.mark.skipif(not shutil.which("pdffonts"), reason="pdffonts (poppler-utils) not installed")


@pytest.fixture
def licensed_fangsong(tmp_path):
    """A font directory holding a 仿宋_GB2312 (the derived serif core renamed stands in for the licensed file)."""
    source = next((path for path, families in pdf_fonts.derived_fonts() if families == ("Caseflow Serif SC",)), None)
    if source is None:
        pytest.skip("no derived serif font to stand in for 仿宋_GB2312")
    font = TTFont(source)
    for record in list(font["name"].names):
        if record.nameID in (1, 4, 16):
            record.string = "仿宋_GB2312"
        elif record.nameID == 6:
            record.string = "OfficeFangSongGB2312"
    if "CFF " in font:
        font["CFF "].cff.fontNames = ["OfficeFangSongGB2312"]
    directory = tmp_path / "office-fonts"
    directory.mkdir()
    font.save(directory / "fangsong_gb2312.otf")
    return directory


def _pdf_fonts(content: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()


@needs_poppler
def test_the_office_font_directory_typesets_the_body_in_its_fangsong(app, monkeypatch, licensed_fangsong):
    html = '<html lang="zh-CN"><body><p>根据《专利法》第六十五条的规定，特此通知。</p></body></html>'
    with app.app_context():
        assert "+仿宋_GB2312" not in _pdf_fonts(pdf.render_pdf(html))
        monkeypatch.setitem(app.config, "FONT_DIR", str(licensed_fangsong))
        assert "+仿宋_GB2312" in _pdf_fonts(pdf.render_pdf(html))  # embedded under its family name


def test_the_fonts_command_reports_present_and_missing_faces(app, monkeypatch, licensed_fangsong):
    monkeypatch.setitem(app.config, "FONT_DIR", str(licensed_fangsong))
    result = app.test_cli_runner().invoke(args=["caseflow", "fonts"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"单位字体目录（CASEFLOW_FONT_DIR）：{licensed_fangsong}" in lines
    assert any(line.startswith("正文　仿宋_GB2312：已安装") and "fangsong_gb2312.otf" in line for line in lines)
    assert "标题　方正小标宋简体：未安装，以思源黑体（Noto Sans CJK SC）代替" in lines
    assert "楷体　楷体_GB2312：未安装，以思源宋体（Noto Serif CJK SC）代替" in lines


def test_the_admin_is_warned_about_missing_standard_faces(app, client, web, session, monkeypatch, licensed_fangsong):
    monkeypatch.setitem(app.config, "FONT_DIR", str(licensed_fangsong))
    admin, officer = UserFactory(admin=True), UserFactory(officer=True)
    web.login(admin.username)
    page = client.get("/admin/calendar/").get_data(as_text=True)
    assert 'id="font-warning"' in page and "方正小标宋简体（标题）" in page and "仿宋_GB2312" not in page
    web.post_form("/admin/calendar/", {}, post_url="/logout")
    web.login(officer.username)
    assert 'id="font-warning"' not in client.get("/cases/").get_data(as_text=True)
