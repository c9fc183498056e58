"""Charts as inline SVG made on the server: no script, no CDN, readable on paper (patterns and labels, not colour
alone)."""

from __future__ import annotations

from markupsafe import Markup, escape

#: Series styles: fill colour plus a dash pattern / hatch so that a black-and-white print tells them apart.
STYLES = [("#1d4ed8", ""), ("#b91c1c", "6 3"), ("#15803d", "2 3"), ("#a16207", "8 3 2 3")]
HATCH = ["", "url(#hatch1)", "url(#hatch2)", "url(#hatch3)"]
W, H = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 28, 48


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return value


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"


def _frame(title: str, labels: list[str], top: float, percent: bool, series: list[str]) -> list[str]:
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" class="chart" '
         f'aria-label="{escape(title)}" font-family="sans-serif" font-size="11">'),
        f"<title>{escape(title)}</title>",
        ('<defs>'
         '<pattern id="hatch1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
         '<rect width="6" height="6" fill="#b91c1c"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/>'
         '</pattern>'
         '<pattern id="hatch2" width="5" height="5" patternUnits="userSpaceOnUse">'
         '<rect width="5" height="5" fill="#15803d"/><circle cx="2.5" cy="2.5" r="1" fill="#fff"/></pattern>'
         '<pattern id="hatch3" width="6" height="6" patternUnits="userSpaceOnUse">'
         '<rect width="6" height="6" fill="#a16207"/><line x1="0" y1="3" x2="6" y2="3" stroke="#fff"'
         ' stroke-width="1.5"/>'
         '</pattern></defs>'),
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#d0d5dd"'
                     ' stroke-width="0.6"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
                     f'{_fmt(value, percent)}</text>')
    step = max(1, -(-len(labels) // 14))
    slot = plot_w / max(len(labels), 1)
    for i, label in enumerate(labels):
        if i % step == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 14}" text-anchor="middle" fill="#333">'
                         f'{escape(label)}</text>')
    for i, name in enumerate(series):
        colour, _dash = STYLES[i % len(STYLES)]
        x = LEFT + i * 150
        parts.append(f'<rect x="{x}" y="6" width="14" height="10" fill="{HATCH[i % 4] or colour}" stroke="{colour}"/>'
                     f'<text x="{x + 18}" y="15" fill="#111">{escape(name)}</text>')
    return parts


def bar_chart(title: str, labels: list[str], series: dict[str, list[float | None]], percent: bool = False) -> Markup:
    """Grouped bars, one group per label (month, office), one bar per series; None draws no bar (nothing to
    divide by). ``percent``: the values are ratios, shown as %."""
    names = list(series)
    values = [v for vals in series.values() for v in vals if v is not None]
    top = max(1.0, _nice_max(max(values or [0]))) if percent else _nice_max(max(values or [0]))
    parts = _frame(title, labels, top, percent, names)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar = slot * 0.8 / max(len(names), 1)
    for s, name in enumerate(names):
        colour = STYLES[s % len(STYLES)][0]
        for i, value in enumerate(series[name]):
            if value is None:
                continue
            h = plot_h * (value / top) if top else 0
            x = LEFT + slot * i + slot * 0.1 + bar * s
            parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{max(bar - 1, 1):.1f}" height="{h:.1f}" '
                         f'fill="{HATCH[s % 4] or colour}" stroke="{colour}" stroke-width="0.5">'
                         f"<title>{escape(labels[i])} {escape(name)}：{_fmt(value, percent)}</title></rect>")
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(title: str, labels: list[str], series: dict[str, list[float | None]], percent: bool = True) -> Markup:
    """Lines with markers; a None value breaks the line (no cases to divide by that month)."""
    names = list(series)
    values = [v for vals in series.values() for v in vals if v is not None]
    top = 1.0 if percent else _nice_max(max(values or [0]))
    parts = _frame(title, labels, top, percent, names)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    markers = ["circle", "rect", "triangle", "diamond"]
    for s, name in enumerate(names):
        colour, dash = STYLES[s % len(STYLES)]
        points: list[list[tuple[float, float, float, str]]] = [[]]
        for i, value in enumerate(series[name]):
            if value is None:
                points.append([])
                continue
            points[-1].append((LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * (value / top), value, labels[i]))
        for run in points:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
                             f'stroke-dasharray="{dash}"/>')
            for x, y, v, label in run:
                tip = f"<title>{escape(label)} {escape(name)}：{_fmt(v, percent)}</title>"
                shape = markers[s % len(markers)]
                if shape == "circle":
                    parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">{tip}</circle>')
                elif shape == "rect":
                    parts.append(f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}">'
                                 f'{tip}</rect>')
                else:
                    if shape == "triangle":
                        d = f"M{x:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 3:.1f} L{x - 4:.1f},{y + 3:.1f} Z"
                    else:
                        d = f"M{x:.1f},{y - 4:.1f} L{x + 4:.1f},{y:.1f} L{x:.1f},{y + 4:.1f} L{x - 4:.1f},{y:.1f} Z"
                    parts.append(f'<path d="{d}" fill="{colour}">{tip}</path>')
    parts.append("</svg>")
    return Markup("".join(parts))
