"""The one home of the portal's charts: server-side SVG with text labels and presentation
attributes only (no script, no CSS, no external font), so the same chart reads on screen and
in a WeasyPrint PDF. Each chart has a <title> (and a <desc> where it helps); the page shows a
table with the same numbers beside it as the text alternative.

- `bar_chart`: grouped horizontal bars of counts (term summary sections);
- `rate_bars`: one bar per group of a 0-100 % rate, coloured by how good it is (compliance);
- `grouped_bars`, `distribution_bars`: rubric levels per criterion (growth).
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#1f5fbf", "#e08a00", "#2e8b57", "#8e44ad", "#c0392b"]


def bar_chart(title, labels, series, *, max_value=None, width=640, unit=""):
    """Horizontal grouped bars: `series` is [(name, [value per label]), ...]."""
    bar, gap, label_width = 14, 10, 200
    groups = len(labels)
    per_group = bar * len(series) + gap
    legend = 22 if len(series) > 1 else 0
    height = legend + groups * per_group + 24
    top = max([max_value or 0] + [v or 0 for _name, values in series for v in values]) or 1
    scale = (width - label_width - 60) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" font-family="IPAPGothic, IPAGothic, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    if legend:
        x = label_width
        for n, (name, _values) in enumerate(series):
            parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[n % len(PALETTE)]}"/>')
            parts.append(f'<text x="{x + 16}" y="14">{escape(name)}</text>')
            x += 16 + 8 * len(str(name)) + 24
    for g, label in enumerate(labels):
        y = legend + g * per_group
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar * len(series) / 2 + 4}" text-anchor="end">{escape(label)}</text>'
        )
        for n, (_name, values) in enumerate(series):
            value = values[g] or 0
            w = max(value * scale, 0)
            yy = y + n * bar
            parts.append(
                f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar - 2}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"/>'
            )
            parts.append(f'<text x="{label_width + w + 4:.1f}" y="{yy + bar - 4}">{escape(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


FONT = 'font-family="sans-serif"'
LABEL_W = 190
PLOT_W = 360
RIGHT_W = 48
BAR_H = 14
GAP = 12
TOP = 40
LEGEND_STEP = 170

PHASE_COLORS = {"pre": "#9aa5b1", "mid": "#6c8ebf", "post": "#1f5fbf"}
RATER_COLORS = {"self": "#1f5fbf", "partner": "#b26a00", "faculty": "#2e7d32"}
# Levels from low to high: light to dark, readable in black-and-white print too.
LEVEL_COLORS = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]


def level_colors(count):
    """`count` colours spread over the whole light-to-dark range."""
    if count <= 1:
        return LEVEL_COLORS[-3:-2]
    last = len(LEVEL_COLORS) - 1
    return [LEVEL_COLORS[round(n * last / (count - 1))] for n in range(count)]


def _short(text, limit=14):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value):
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _svg(width, height, title, desc, body, chart_id):
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" {FONT}>'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        f"{''.join(body)}</svg>"
    )


def _legend(items):
    body = []
    for n, (label, color) in enumerate(items):
        x = n * LEGEND_STEP
        body.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{color}" stroke="#1d2330" stroke-width="0.5"/>')
        body.append(f'<text x="{x + 17}" y="19" font-size="12" fill="#1d2330">{escape(_short(label, 22))}</text>')
    return body


def grouped_bars(*, chart_id, title, desc, categories, series, scale_max):
    """Horizontal bars: for each category (a criterion), one bar per series (a phase or a
    rater) from 0 to its value, on an axis from 0 to `scale_max` with a tick per level.

    `series`: [(label, color, [value or None per category])]."""
    group_h = len(series) * BAR_H + GAP
    height = TOP + len(categories) * group_h + 24
    width = LABEL_W + PLOT_W + RIGHT_W
    scale = PLOT_W / scale_max if scale_max else 0
    body = _legend([(label, color) for label, color, _values in series])
    bottom = TOP + len(categories) * group_h
    for tick in range(0, scale_max + 1):
        x = LABEL_W + tick * scale
        body.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#d8dce3" stroke-width="1"/>')
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" font-size="11" text-anchor="middle" fill="#5a6272">{tick}</text>'
        )
    for i, category in enumerate(categories):
        y0 = TOP + i * group_h
        middle = y0 + (len(series) * BAR_H) / 2 + 4
        body.append(f'<text x="0" y="{middle:.1f}" font-size="12" fill="#1d2330">{escape(_short(category))}</text>')
        for j, (label, color, values) in enumerate(series):
            value = values[i]
            y = y0 + j * BAR_H
            if value is None:
                body.append(
                    f'<text x="{LABEL_W + 4}" y="{y + BAR_H - 3}" font-size="10" fill="#5a6272">'
                    f"{escape(label)}: –</text>"
                )
                continue
            w = max(value, 0) * scale
            body.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H - 2}" fill="{color}">'
                f"<title>{escape(category)} {escape(label)}: {_number(value)}</title></rect>"
            )
            body.append(
                f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR_H - 3}" font-size="11" fill="#1d2330">'
                f"{_number(value)}</text>"
            )
    return _svg(width, height, title, desc, body, chart_id)


def distribution_bars(*, chart_id, title, desc, rows, levels, before_label, after_label):
    """Per criterion two 100% stacked bars (before, after): the share of students at each
    level, with the mean change written at the right."""
    group_h = 2 * (BAR_H + 4) + GAP
    height = TOP + len(rows) * group_h + 10
    width = LABEL_W + PLOT_W + RIGHT_W + 40
    colors = level_colors(len(levels))
    body = []
    for n, level in enumerate(levels):
        x = LABEL_W + n * 60
        body.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{colors[n]}" stroke="#1d2330" stroke-width="0.5"/>'
        )
        body.append(f'<text x="{x + 17}" y="19" font-size="12" fill="#1d2330">{level}</text>')
    for i, row in enumerate(rows):
        y0 = TOP + i * group_h
        name = escape(_short(row["name"], 12))
        body.append(f'<text x="0" y="{y0 + BAR_H + 6}" font-size="12" fill="#1d2330">{name}</text>')
        for j, (label, side) in enumerate(((before_label, row["before"]), (after_label, row["after"]))):
            y = y0 + j * (BAR_H + 4)
            body.append(
                f'<text x="{LABEL_W - 6}" y="{y + BAR_H - 3}" font-size="10" text-anchor="end" fill="#5a6272">'
                f"{escape(label)}</text>"
            )
            total = sum(side["counts"])
            if not total:
                body.append(
                    f'<rect x="{LABEL_W}" y="{y}" width="{PLOT_W}" height="{BAR_H}" fill="#f6f7f9" stroke="#d8dce3"/>'
                )
                continue
            x = LABEL_W
            for n, count in enumerate(side["counts"]):
                if not count:
                    continue
                w = PLOT_W * count / total
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{colors[n]}" '
                    f'stroke="#ffffff" stroke-width="0.5"><title>{escape(row["name"])} {escape(label)} '
                    f"{levels[n]}: {count}</title></rect>"
                )
                if w >= 16:
                    text_color = "#ffffff" if colors[n] in LEVEL_COLORS[4:] else "#1d2330"
                    body.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + BAR_H - 3}" font-size="10" text-anchor="middle" '
                        f'fill="{text_color}">{count}</text>'
                    )
                x += w
        change = row["change"]
        text = "–" if change is None else f"{change:+.2f}"
        body.append(
            f'<text x="{LABEL_W + PLOT_W + 8}" y="{y0 + BAR_H + 6}" font-size="12" font-weight="bold" '
            f'fill="#1d2330">{text}</text>'
        )
    return _svg(width, height, title, desc, body, chart_id)


RATE_GOOD, RATE_FAIR = 80, 50
RATE_COLORS = {"good": "#2e7d32", "fair": "#b26a00", "poor": "#c62828"}


def rate_bars(*, chart_id, title, rows, width=320, bar=18, gap=10, label_width=170):
    """`rows`: [(label, rate 0-100)]. A pale full-width track behind each bar shows what is missing."""
    height = max(len(rows) * (bar + gap), bar)
    body = []
    for n, (label, rate) in enumerate(rows):
        y = n * (bar + gap)
        filled = round(width * rate / 100)
        color = RATE_COLORS["good" if rate >= RATE_GOOD else "fair" if rate >= RATE_FAIR else "poor"]
        body.append(
            f"<g><title>{escape(label)}: {rate}%</title>"
            f'<text x="0" y="{y + bar - 4}" font-size="12">{escape(_short(label, 13))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar}" fill="#fbe9e7" rx="3"/>'
            f'<rect x="{label_width}" y="{y}" width="{filled}" height="{bar}" fill="{color}" rx="3"/>'
            f'<text x="{label_width + width + 6}" y="{y + bar - 4}" font-size="12">{rate}%</text></g>'
        )
    return _svg(label_width + width + 60, height, title, "", body, chart_id)
