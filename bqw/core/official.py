"""Word documents in the layout of official documents (党政机关公文格式, GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in 2号 小标宋; body in 3号 仿宋_GB2312
on a grid of 22 lines × 28 characters; first-level headings in 黑体, second-level in 楷体_GB2312; page numbers
"— 1 —" in 4号 宋体 at the outer edge (odd pages right, even pages left); the issuing office and date at the
end and the 版记 (copy-to and printing lines between rules). The font names are written into the document so an
office PC with the standard 公文 fonts renders them; elsewhere Word substitutes.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_TABLE = Pt(22), Pt(16), Pt(14), Pt(12)  # 2号, 3号, 4号, 小四
LINE_PITCH = 579  # twips: 225 mm of text height / 22 lines
BODY_SPACING = Pt(-0.2)  # 3号 characters 0.2 pt closer: 156 mm of line / 15.8 pt = 28 characters
RED = RGBColor(0xC0, 0x00, 0x00)


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _font(run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None,
          spacing: Pt | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if spacing is not None:
        el = OxmlElement("w:spacing")
        el.set(qn("w:val"), str(int(spacing.pt * 20)))
        rpr.append(el)


def _exact(paragraph, points: float = 28.95) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(points)
    fmt.space_before = fmt.space_after = Pt(0)


def _off_grid(paragraph) -> None:
    """Table text keeps its own size: a cell does not snap to the page's 28-character grid."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    paragraph._element.get_or_add_pPr().append(snap)


def _rule(paragraph, edge: str, color: str = "000000", size: int = 8) -> None:
    """A horizontal rule above or below a paragraph (the red line under the masthead, the 版记 lines)."""
    ppr = paragraph._element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    for k, v in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", color)):
        line.set(qn(k), v)
    borders.append(line)


def _page_number(footer, align: WD_ALIGN_PARAGRAPH) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    indent = Pt(14)  # one 4号 character from the outer edge
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = indent
    else:
        p.paragraph_format.left_indent = indent
    _font(p.add_run("— "), PAGE_FONT, SIZE_4)
    run = p.add_run()
    _font(run, PAGE_FONT, SIZE_4)
    for tag, attrs in (("w:fldChar", {"w:fldCharType": "begin"}), ("w:instrText", {}),
                       ("w:fldChar", {"w:fldCharType": "end"})):
        el = OxmlElement(tag)
        for k, v in attrs.items():
            el.set(qn(k), v)
        if tag == "w:instrText":
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        run._element.append(el)
    _font(p.add_run(" —"), PAGE_FONT, SIZE_4)


class OfficialDocument:
    """A 公文-layout document built paragraph by paragraph; `to_bytes()` gives the .docx."""

    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Pt(14)  # the number sits about 7 mm below the text block
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")  # 22 lines; the 28 characters come from BODY_SPACING (Word and
        grid.set(qn("w:linePitch"), str(LINE_PITCH))  # LibreOffice disagree on a character grid's pitch)
        # the grid's character pitch is counted from the document default size: make it 3号 as well
        defaults = self.doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        size = defaults.find(qn("w:sz"))
        if size is None:
            size = OxmlElement("w:sz")
            defaults.append(size)
        size.set(qn("w:val"), "32")
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = BODY_FONT, SIZE_3
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
        self.doc.settings.odd_and_even_pages_header_footer = True
        _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    def masthead(self, name: str, number_line: str, issuer: str, on: date) -> None:
        """发文机关标志 in red, the issue number, and the issuer/date line above the red rule."""
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(name), TITLE_FONT, Pt(36), color=RED)
        p.paragraph_format.space_after = Pt(12)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact(p)
        _font(p.add_run(number_line), BODY_FONT, SIZE_3)
        p = self.doc.add_paragraph()
        _exact(p)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(156), alignment=2)  # right tab at the text edge
        _font(p.add_run(f"{issuer}\t{chinese_date(on)}"), BODY_FONT, SIZE_3)
        _rule(p, "bottom", "C00000", 16)

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact(p, 35)
        p.paragraph_format.space_before = Pt(28.95)
        p.paragraph_format.space_after = Pt(28.95)
        _font(p.add_run(text), TITLE_FONT, SIZE_2)

    def heading(self, text: str, level: int = 1) -> None:
        p = self.doc.add_paragraph()
        _exact(p)
        p.paragraph_format.first_line_indent = Pt(32)
        _font(p.add_run(text), H1_FONT if level == 1 else H2_FONT, SIZE_3, spacing=BODY_SPACING)

    def paragraph(self, text: str) -> None:
        p = self.doc.add_paragraph()
        _exact(p)
        p.paragraph_format.first_line_indent = Pt(32)  # two characters
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _font(p.add_run(text), BODY_FONT, SIZE_3, spacing=BODY_SPACING)

    def table(self, columns: list[str], rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, columns, strict=True):
            _off_grid(cell.paragraphs[0])
            _font(cell.paragraphs[0].add_run(text), H1_FONT, SIZE_TABLE)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                _off_grid(cell.paragraphs[0])
                _font(cell.paragraphs[0].add_run(str(text)), BODY_FONT, SIZE_TABLE)
        self.doc.add_paragraph()

    def image(self, png: bytes, width_mm: float = 150) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))

    def signature(self, issuer: str, on: date) -> None:
        """The issuing office and date, right-aligned four characters in from the edge."""
        for text in ("", issuer, chinese_date(on)):
            p = self.doc.add_paragraph()
            _exact(p)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(64)
            _font(p.add_run(text), BODY_FONT, SIZE_3)

    def record(self, copy_to: str, printer: str, on: date) -> None:
        """The 版记: copy-to and printing lines between rules, at the end of the document."""
        p = self.doc.add_paragraph()
        _exact(p)
        _rule(p, "top", size=8)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
        _font(p.add_run(f"抄送：{copy_to}"), BODY_FONT, SIZE_4)
        p = self.doc.add_paragraph()
        _exact(p)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), alignment=2)
        _font(p.add_run(f"{printer}\t{chinese_date(on)}印发"), BODY_FONT, SIZE_4)
        _rule(p, "top", size=4)
        _rule(p, "bottom", size=8)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
