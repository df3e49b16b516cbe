"""Term summaries for administrators: one program and term (or academic year), in sections that
each app contributes (coop.registry.register_summary_section), shown on screen, as a PDF and
as CSV/XLSX. A section is a small table with an optional server-side SVG chart, so the same
object renders everywhere."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from .registry import SUMMARY_SECTIONS

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


def summary_csv(scope, sections):
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([scope.label])
    for section in sections:
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow([_cell(c) for c in section.columns])
        writer.writerows([[_cell(v) for v in row] for row in section.rows])
    return out.getvalue().encode()


def summary_xlsx(scope, sections):
    from openpyxl import Workbook

    from .exports import escape_cell

    workbook = Workbook(write_only=True)
    for n, section in enumerate(sections, 1):
        sheet = workbook.create_sheet(title=f"{n} {section.title}"[:31].translate(SHEET_TITLE_FORBIDDEN))
        sheet.append([scope.label])
        sheet.append([_cell(c) for c in section.columns])
        for row in section.rows:
            sheet.append([escape_cell(_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary_pdf(scope, sections, *, generated_at):
    from .pdf import render_pdf

    return render_pdf("coop/summary_pdf.html", {"scope": scope, "sections": sections, "generated_at": generated_at})
