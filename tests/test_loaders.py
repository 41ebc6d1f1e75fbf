"""Loaders on the real corpus and on real files of each format, good and bad."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from ingest.documents import LoadError
from ingest.loaders import load_file
from tests.conftest import CORPUS, require_shared


def test_corpus_documents_carry_their_front_matter() -> None:
    dalarna = load_file(CORPUS / "dalarna-internationell-policy.md")
    assert dalarna.doc_id == "dalarna-internationell-policy"
    assert dalarna.title == "Internationell policy"
    assert dalarna.organisation == "Landstinget Dalarna"
    assert dalarna.metadata["adopting_body"] == "Landstingsfullmäktige"
    headings = [b.text for b in dalarna.blocks if b.kind == "heading"]
    # Bold-only lines of the converted PDF are the policy's section headings.
    assert "Landstingsfullmäktige" in headings and "Regionberedning" in headings
    items = [b.text for b in dalarna.blocks if b.kind == "list_item"]
    assert len(items) == 8 and items[0] == "bevaka och hävda landstingets och regionens intressen"

    jonkoping = load_file(CORPUS / "jonkoping-internationellt-arbete.md")
    assert jonkoping.organisation == "Landstinget i Jönköpings län"
    assert jonkoping.metadata["decision_date"] == "2011-09-06"
    assert "Dnr LK11-0212" in jonkoping.text


def test_block_spans_are_verbatim_slices_of_the_text() -> None:
    doc = load_file(CORPUS / "jonkoping-internationellt-arbete.md")
    for block in doc.blocks:
        assert doc.text[block.start : block.end] == block.text
    # Markup is gone, words are not.
    assert "**" not in doc.text
    assert "att antaga föreliggande förslag till policy för internationellt arbete." in doc.text


def test_statute_versions_share_an_id_and_take_the_date_from_the_file_name() -> None:
    folder = require_shared("sfs-versions", "sfs-2017-725")
    doc = load_file(folder / "2025-07-01.md")
    assert doc.doc_id == "sfs-2017-725"
    assert doc.title == "Kommunallag"
    assert doc.effective_date == "2025-07-01"
    levels = {b.text: b.level for b in doc.blocks if b.kind == "heading"}
    assert levels["1 kap. Grunderna för den kommunala verksamheten"] == 2
    assert levels["1 §"] == 4


def _pdf(path: Path, pages: list[list[tuple[str, str]]]) -> Path:
    pdf = FPDF()
    pdf.set_title("Resepolicy för Region Exempel")
    for page in pages:
        pdf.add_page()
        for kind, text in page:
            if kind == "heading":
                pdf.set_font("Helvetica", "B", 15)
                pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("Helvetica", "", 11)
                pdf.multi_cell(0, 6, text)
                pdf.ln(5)
    pdf.output(str(path))
    return path


def test_a_statute_title_wrapped_over_lines_in_its_front_matter_is_read_whole() -> None:
    """46 files of the statute book wrap `rubrik` over lines, which strict YAML refuses."""
    doc = load_file(require_shared("sfs", "1919", "sfs-1919-821.md"))
    assert doc.metadata["rubrik"] == (
        "Kungl. Maj:ts Kungörelse (1919:821) angående jämkning av gränsen mellan "
        "yrkesinspektörernas och bergmästarnas samt mellan underinspektörernas vid "
        "yrkesinspektionen och kommunala tillsynsorgans befogenhet"
    )
    assert doc.metadata["beteckning"] == "1919:821"
    assert "yrkesinspektionen" in doc.text


def test_pdf_keeps_paragraphs_headings_and_pages(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "resepolicy.pdf",
        [
            [
                ("heading", "Resepolicy"),
                (
                    "text",
                    "Denna policy gäller alla tjänsteresor inom regionen. Resor ska planeras "
                    "så att kostnader och miljöpåverkan blir så låga som möjligt.",
                ),
                ("heading", "Ansvar"),
                ("text", "Regionstyrelsen ansvarar för att policyn följs."),
            ],
            [("text", "Ersättning för resor betalas ut efter godkänd reseräkning.")],
        ],
    )
    doc = load_file(path)
    assert doc.title == "Resepolicy för Region Exempel"
    headings = [(b.text, b.page) for b in doc.blocks if b.kind == "heading"]
    assert headings == [("Resepolicy", 1), ("Ansvar", 1)]
    paragraphs = [(b.text, b.page) for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs[0][0].startswith("Denna policy gäller alla tjänsteresor")
    assert paragraphs[0][0].endswith("så låga som möjligt.")
    assert ("Regionstyrelsen ansvarar för att policyn följs.", 1) in paragraphs
    assert ("Ersättning för resor betalas ut efter godkänd reseräkning.", 2) in paragraphs


def test_docx_keeps_headings_lists_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Policy för distansarbete"
    document.add_heading("Policy för distansarbete", level=1)
    document.add_paragraph("Distansarbete kan beviljas av närmaste chef.")
    document.add_heading("Villkor", level=2)
    document.add_paragraph("arbetsuppgifterna tillåter det", style="List Bullet")
    document.add_paragraph("utrustningen är godkänd", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Dagar per vecka", "Högst tre"
    table.cell(1, 0).text, table.cell(1, 1).text = "Beslut", "Närmaste chef"
    path = tmp_path / "distansarbete.docx"
    document.save(str(path))

    doc = load_file(path)
    assert doc.title == "Policy för distansarbete"
    kinds = [(b.kind, b.text, b.level) for b in doc.blocks]
    assert ("heading", "Villkor", 2) in kinds
    assert ("list_item", "arbetsuppgifterna tillåter det", 0) in kinds
    assert ("list_item", "utrustningen är godkänd", 0) in kinds
    assert ("paragraph", "Dagar per vecka | Högst tre", 0) in kinds


def test_html_keeps_main_text_and_drops_page_chrome(tmp_path: Path) -> None:
    path = tmp_path / "policy.html"
    path.write_text(
        """<!doctype html><html><head><title>Miljöpolicy – Region Exempel</title>
        <style>p { color: red }</style><script>var x = 1;</script></head>
        <body><nav><a href="/">Start</a> <a href="/om">Om oss</a></nav>
        <main><h1>Miljöpolicy</h1><p>Regionen ska minska sina utsläpp.</p>
        <h2>Mål</h2><ul><li>förnybar energi</li><li><p>fossilfria transporter</p></li></ul>
        </main><footer>Kontakt: info@example.se</footer></body></html>""",
        encoding="utf-8",
    )
    doc = load_file(path)
    assert doc.title == "Miljöpolicy – Region Exempel"
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "Miljöpolicy"),
        ("paragraph", "Regionen ska minska sina utsläpp."),
        ("heading", "Mål"),
        ("list_item", "förnybar energi"),
        ("list_item", "fossilfria transporter"),
    ]
    assert "Om oss" not in doc.text and "Kontakt" not in doc.text and "var x" not in doc.text


def _image_only_pdf(path: Path) -> Path:
    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def _encrypted_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.set_encryption(owner_password="ägare", user_password="hemligt")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Konfidentiell policy.")
    pdf.output(str(path))
    return path


def _truncated_pdf(path: Path, tmp_path: Path) -> Path:
    whole = _pdf(tmp_path / "whole.pdf", [[("text", "En mening om policyn. " * 40)]])
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _bytes(data: bytes):
    def make(path: Path, tmp_path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("tom.md", _bytes(b""), "empty file"),
        ("blank.txt", _bytes(b"  \n\n "), "empty file"),
        ("bild.md", _bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not a text file"),
        ("latin1.md", _bytes("Policy för år".encode("latin-1")), "not UTF-8 text"),
        ("trasig.pdf", _truncated_pdf, "not a readable PDF"),
        ("skannad.pdf", lambda p, t: _image_only_pdf(p), "no text layer"),
        ("last.pdf", lambda p, t: _encrypted_pdf(p), "encrypted PDF"),
        ("trasig.docx", _bytes(b"PK\x03\x04 inte en zip"), "not a readable DOCX"),
        ("kalkyl.xlsx", _bytes(b"PK\x03\x04"), "unsupported file type"),
        ("fel.md", _bytes(b"---\ntitle: [oavslutad\n---\nText."), "front matter is not valid YAML"),
    ],
)
def test_bad_files_get_a_clear_reason(name: str, make, reason: str, tmp_path: Path) -> None:
    path = make(tmp_path / name, tmp_path)
    with pytest.raises(LoadError) as caught:
        load_file(path)
    assert reason in caught.value.reason
    assert name in str(caught.value)
