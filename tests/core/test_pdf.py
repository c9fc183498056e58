"""Official notice PDFs: the sample 行政裁决书, fonts, the static-only URL fetcher, font_report."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib

import jinja2
import pytest
from fontTools.ttLib import TTFont
from weasyprint.urls import FatalURLFetchingError

from caseflow.core import pdf
from caseflow.core.pdf import fetcher as pdf_fetcher, fonts as pdf_fonts

SAMPLE = "notices/_sample_adjudication.html"
PARTY_NAMES = (
    "重庆堃泰机电科技有限公司",
    "王喆",
    "李赟",
    "重庆市江北区𠮷祥五金机电经营部",
    "𠮷永福",
)
RIGHT_TO_SUE = (
    "不服本决定的，可以自收到本决定书之日起十五日内，"
    "依照《中华人民共和国行政诉讼法》向人民法院起诉"
)


def _installed(family: str) -> bool:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    output = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, check=False).stdout
    return any(family in line.split(",") for line in output.splitlines())


needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")


def _render_template(name: str, **context) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(pdf.TEMPLATES_DIR), autoescape=True)
    return env.get_template(name).render(**context)


def _pdftotext(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def _squeeze(text: str) -> str:
    """Drop the line breaks and spaces that pdftotext puts into justified Chinese text."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_html() -> str:
    return _render_template(SAMPLE)


@pytest.fixture(scope="module")
def sample_pdf(sample_html) -> bytes:
    return pdf.render_pdf(sample_html, stylesheets=pdf.notice_stylesheets(SAMPLE))


# --- a minimal reader for the PDFs WeasyPrint (pydyf) writes -------------------------------


def _pdf_objects(content: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Return {object number: (dictionary or body, decoded stream or None)}, object streams expanded."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)\s*(stream\r?\n|endobj)", content, re.DOTALL):
        number, body, kind = int(match[1]), match[2], match[3]
        stream = None
        if kind.startswith(b"stream"):
            length = int(re.search(rb"/Length (\d+)", body)[1])
            stream = content[match.end() : match.end() + length]
            if b"/FlateDecode" in body:
                stream = zlib.decompress(stream)
        objects[number] = (body, stream)
    for body, stream in list(objects.values()):
        if b"/Type /ObjStm" in body or b"/Type/ObjStm" in body:
            count = int(re.search(rb"/N (\d+)", body)[1])
            first = int(re.search(rb"/First (\d+)", body)[1])
            header = [int(x) for x in stream[:first].split()]
            pairs = [(header[2 * i], header[2 * i + 1]) for i in range(count)]
            for i, (number, offset) in enumerate(pairs):
                end = pairs[i + 1][1] if i + 1 < count else len(stream) - first
                objects[number] = (stream[first + offset : first + end].strip(), None)
    return objects


def _ref(body: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s*\[?\s*(\d+) 0 R", body)
    return int(match[1]) if match else None


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for glyph, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            mapping[int(glyph, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return mapping


def _embedded_fonts(content: bytes) -> list[dict]:
    """Return, per Type0 font of the PDF: its name, font program (or None) and glyph → text map."""
    objects = _pdf_objects(content)
    fonts = []
    for body, _ in objects.values():
        if not re.search(rb"/Type\s*/Font\b", body) or not re.search(rb"/Subtype\s*/Type0", body):
            continue
        descendant = objects[_ref(body, b"DescendantFonts")][0]
        descriptor = objects[_ref(descendant, b"FontDescriptor")][0]
        program = None
        for key in (b"FontFile3", b"FontFile2", b"FontFile"):
            if (number := _ref(descriptor, key)) is not None:
                program = objects[number][1]
        fonts.append(
            {
                "name": re.search(rb"/BaseFont\s*/(\S+?)(?=[/>\s])", body)[1].decode(),
                "program": program,
                "to_unicode": _to_unicode(objects[_ref(body, b"ToUnicode")][1]),
            }
        )
    return fonts


def _glyph_problems(fonts: list[dict]) -> list[str]:
    """Return the characters drawn with a glyph their embedded font does not have (a .notdef box)."""
    problems = []
    for font in fonts:
        ttfont = TTFont(io.BytesIO(font["program"]))
        order = ttfont.getGlyphOrder()
        for glyph_id, text in font["to_unicode"].items():
            if not text.strip():
                continue  # spaces have no outline
            if glyph_id == 0 or glyph_id >= len(order):
                problems.append(f"{text!r} → glyph {glyph_id} in {font['name']}")
                continue
            name = order[glyph_id]
            if "glyf" in ttfont:
                empty = ttfont["glyf"][name].numberOfContours == 0
            else:
                charstrings = ttfont["CFF "].cff.topDictIndex[0].CharStrings
                empty = charstrings[name].calcBounds(charstrings) is None
            if empty:
                problems.append(f"{text!r} → empty glyph {name} in {font['name']}")
    return problems


# --- the sample ----------------------------------------------------------------------------


def test_sample_renders_to_a_multi_page_pdf(sample_html, sample_pdf):
    assert sample_pdf.startswith(b"%PDF-")
    assert sample_pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf.render_document(sample_html, stylesheets=pdf.notice_stylesheets(SAMPLE)).pages) >= 2


@needs_pdftotext
def test_sample_text_names_the_parties_and_the_right_to_sue(sample_pdf):
    text = _squeeze(_pdftotext(sample_pdf))
    for name in PARTY_NAMES:
        assert name in text
    assert RIGHT_TO_SUE in text
    assert "渝知保裁字〔2026〕12号" in text
    assert "专利侵权纠纷行政裁决书" in text
    assert "—1—" in text  # page numbers


def test_sample_embeds_every_font_and_draws_no_notdef(sample_pdf):
    fonts = _embedded_fonts(sample_pdf)
    assert fonts
    assert [f["name"] for f in fonts if f["program"] is None] == []
    assert _glyph_problems(fonts) == []
    drawn = "".join(text for font in fonts for text in font["to_unicode"].values())
    for char in "堃喆赟𠮷":
        assert char in drawn


def test_sample_text_is_covered_by_installed_fonts(sample_html):
    visible = re.sub(r"<[^>]+>", "", sample_html)
    assert pdf.font_report(visible) == []


def test_character_only_in_a_fallback_font_is_drawn():
    if not _installed("HanaMinB"):
        pytest.skip("fonts-hanazono not installed")
    content = pdf.render_pdf('<html lang="zh-CN"><body><p>龘𪚥</p></body></html>')
    fonts = _embedded_fonts(content)
    assert _glyph_problems(fonts) == []
    assert any("HanaMin" in f["name"] for f in fonts if "𪚥" in f["to_unicode"].values())


@needs_pdftotext
def test_draft_watermark_on_every_page_and_seal_placeholder(sample_html):
    draft = pdf.render_pdf(_render_template(SAMPLE, draft=True))
    pages = _pdftotext(draft).split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) >= 2
    for page in pages:
        # The watermark is rotated, so its two characters come out apart.
        assert "草" in page and "稿" in page
    assert "印章位置" in _squeeze(pages[-1])
    final = _pdftotext(pdf.render_pdf(sample_html))
    assert "稿" not in final and "印章位置" not in final


def test_derived_fonts_cover_the_whole_source_face():
    fonts = pdf.derived_fonts()
    if not fonts:
        pytest.skip("derived fonts unavailable (no hb-subset, fc-match or Noto CJK)")
    hb = pdf_fonts._HarfBuzz()
    match = pdf_fonts._fc_match("Noto Serif CJK SC:style=Regular")
    face = hb.open_face(match[0], match[1])
    source = set(hb.unicodes(face))
    hb.hb.hb_face_destroy(face)
    derived: set[int] = set()
    for path, families in fonts:
        if families[-1] == "Caseflow Serif SC" and "/serif-" in path:
            face = hb.open_face(path, 0)
            derived.update(hb.unicodes(face))
            hb.hb.hb_face_destroy(face)
    assert source <= derived


# --- URL fetcher ---------------------------------------------------------------------------


@pytest.fixture
def static_root(tmp_path):
    root = tmp_path / "static"
    (root / "img").mkdir(parents=True)
    (root / "img" / "seal.png").write_bytes(b"\x89PNG\r\n\x1a\nseal")
    (tmp_path / "secret.txt").write_text("secret")
    return root


def test_fetcher_serves_static_files(static_root):
    fetcher = pdf_fetcher.StaticURLFetcher(static_root)
    response = fetcher.fetch(f"{pdf_fetcher.INTERNAL_ORIGIN}/static/img/seal.png")
    assert response.read() == b"\x89PNG\r\n\x1a\nseal"
    assert response.content_type == "image/png"


def test_fetcher_serves_data_urls_unless_told_not_to(static_root):
    assert pdf_fetcher.StaticURLFetcher(static_root).fetch("data:text/plain,qr").read() == b"qr"
    with pytest.raises(pdf_fetcher.URLRefused):
        pdf_fetcher.StaticURLFetcher(static_root, allow_data=False).fetch("data:text/plain,qr")


def test_fetcher_serves_the_documents_own_origin_from_disk(static_root):
    fetcher = pdf_fetcher.StaticURLFetcher(static_root, origins=[pdf_fetcher.INTERNAL_ORIGIN, "http://localhost:5000"])
    assert fetcher.fetch("http://localhost:5000/static/img/seal.png").read().endswith(b"seal")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/static/img/seal.png",
        "https://example.com/x.png",
        "http://127.0.0.1/static/img/seal.png",
        "ftp://example.com/static/img/seal.png",
        "https://caseflow.invalid/uploads/seal.png",
        "https://caseflow.invalid/static/../secret.txt",
        "https://caseflow.invalid/static/%2e%2e/secret.txt",
        "https://caseflow.invalid/static/img/..%2f..%2fsecret.txt",
        "https://caseflow.invalid/static/img%2f..%2f..%2fsecret.txt",
        "https://caseflow.invalid/static//etc/passwd",
        "https://caseflow.invalid/static/%2fetc%2fpasswd",
        "https://caseflow.invalid/static/img/missing.png",
        "https://caseflow.invalid/static/img",
    ],
)
def test_fetcher_refuses(static_root, url):
    with pytest.raises(pdf_fetcher.URLRefused):
        pdf_fetcher.StaticURLFetcher(static_root).fetch(url)


def test_fetcher_refuses_symlinks_out_of_the_root(static_root):
    (static_root / "link.txt").symlink_to(static_root.parent / "secret.txt")
    with pytest.raises(pdf_fetcher.URLRefused):
        pdf_fetcher.StaticURLFetcher(static_root).fetch(f"{pdf_fetcher.INTERNAL_ORIGIN}/static/link.txt")


@pytest.mark.parametrize("src", ["file:///etc/passwd", "http://example.com/seal.png", "/static/../../etc/passwd"])
def test_render_stops_on_a_refused_resource(static_root, src):
    with pytest.raises(FatalURLFetchingError):
        pdf.render_pdf(f'<html><body><img src="{src}"></body></html>', static_root=static_root)


def test_render_embeds_a_static_image(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    # A 1×1 red PNG.
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
        "0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082"
    )
    (root / "seal.png").write_bytes(png)
    content = pdf.render_pdf('<html><body><img src="/static/seal.png"></body></html>', static_root=root)
    assert b"/Subtype /Image" in b"".join(body for body, _ in _pdf_objects(content).values())


# --- font_report ---------------------------------------------------------------------------


def test_font_report_flags_characters_no_font_covers():
    # U+E000 is private use, U+0378 unassigned: no installed font maps either.
    assert pdf.font_report("中文\ue000内容\u0378\ue000") == ["\ue000", "\u0378"]


def test_font_report_ignores_whitespace_and_format_characters():
    assert pdf.font_report("甲 乙\n丙\t丁\u3000戊\u200b己\ufe0f") == []


def test_font_report_accepts_rare_name_characters():
    if not _installed("HanaMinB"):
        pytest.skip("fonts-hanazono not installed")
    assert pdf.font_report("堃喆赟𠮷𪚥") == []


def test_font_report_handles_long_text():
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 5000)) * 2
    assert pdf.font_report(text) == []
