"""Term summaries for administrators: one program and term (or academic year), in sections that
each app contributes (coop.registry.register_summary_section), shown on screen, as a PDF and
as CSV/XLSX. A section is a small table with an optional server-side SVG chart, so the same
object renders everywhere."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from .registry import SUMMARY_SECTIONS
from .spreadsheets import csv_bytes, xlsx_write

# Characters Excel refuses in a sheet title.
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "・"))


@dataclass
class Section:
    key: str
    title: str
    columns: list
    rows: list
    note: str = ""
    chart: str = ""  # an SVG document, already escaped
    numbers: dict = field(default_factory=dict)  # the figures tests check

    def labelled_rows(self):
        """Rows as (column, cell) pairs, for tables that stack on a phone."""
        return [list(zip(self.columns, row, strict=False)) for row in self.rows]


@dataclass(frozen=True)
class Scope:
    """What a summary covers: a program, and a term of it or a whole academic year."""

    tenant: object
    program: object
    term: object = None
    academic_year: int = None

    @property
    def label(self):
        if self.term is not None:
            return f"{self.program.name} {self.term.name}"
        return f"{self.program.name} {self.academic_year}"


def summary_sections(scope):
    sections = []
    for provider in SUMMARY_SECTIONS:
        sections.extend(provider(scope))
    return sections


def _cell(value):
    """Numbers stay numbers; everything else (lazy translations included) becomes text."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return str(value)


def _summary_rows(scope, section):
    yield [scope.label]
    yield [_cell(c) for c in section.columns]
    for row in section.rows:
        yield [_cell(v) for v in row]


def summary_csv(scope, sections):
    def rows():
        yield [scope.label]
        for section in sections:
            yield []
            yield [section.title]
            yield [_cell(c) for c in section.columns]
            yield from ([_cell(v) for v in row] for row in section.rows)

    return csv_bytes(rows())


def summary_xlsx(scope, sections):
    sheets = [
        (f"{n} {section.title}"[:31].translate(SHEET_TITLE_FORBIDDEN), _summary_rows(scope, section))
        for n, section in enumerate(sections, 1)
    ]
    buffer = io.BytesIO()
    xlsx_write(buffer, sheets)
    return buffer.getvalue()


def summary_pdf(scope, sections, *, generated_at):
    from .pdf import render_pdf  # WeasyPrint is loaded where PDFs are made, not by every web process

    return render_pdf("coop/summary_pdf.html", {"scope": scope, "sections": sections, "generated_at": generated_at})
