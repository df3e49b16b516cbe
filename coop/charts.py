"""Server-side SVG charts: plain SVG with text labels and no scripts, fonts or CSS of their own,
so the same chart reads on screen and in a WeasyPrint PDF. Each chart has a table beside it
on the page for screen readers (the SVG carries role="img" and a title)."""

from django.utils.html import escape

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
