"""Small SVG charts drawn on the server, for documents WeasyPrint renders (it runs no
JavaScript, so the pages' ECharts cannot draw there): grouped bars, horizontal bars,
lines and a donut, with axes, grid lines, value labels and a legend.

Each function returns the ``<svg>`` element as safe markup to put inline in a template;
every text is escaped. Sizes are in user units (the viewBox): the element scales to the
width the template gives it (``width: 100%``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

#: The report's palette (colour-blind friendly, prints on grey scale distinctly).
PALETTE = ("#1f5fa8", "#e08a1e", "#2e9d6a", "#c0392b", "#7b5ea7", "#5b6770", "#d4b81f")
FONT = "Noto Sans CJK SC, sans-serif"
AXIS = "#555"
GRID = "#ddd"

Number = int | float | Decimal


def nice_max(value: float, ticks: int = 4) -> tuple[float, float]:
    """(the axis maximum, the tick step): a round step (1, 2, 2.5 or 5 times a power of
    ten) whose ``ticks`` steps cover ``value``."""
    if value <= 0:
        return float(ticks), 1.0
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step * ticks >= value:
            return step * ticks, step
    return 10 * power * ticks, 10 * power  # pragma: no cover (10 always covers)


def _fmt(value: float) -> str:
    """A tick or value label: no trailing zeros, thousands separated."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def _text(x, y, content, *, size=11, anchor="middle", color="#222", weight="normal", extra=""):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{color}" font-weight="{weight}" font-family="{FONT}"{extra}>'
        f"{escape(str(content))}</text>"
    )


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    # Every text in ``body`` went through ``_text`` or ``escape``; the rest is numbers.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _legend(names_colors, x: float, y: float, *, line=False) -> list[str]:
    """One row of legend entries from (x, y), left to right."""
    parts = []
    for name, color in names_colors:
        if line:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 16:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{color}" stroke-width="2.5"/>'
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{color}"/>'
            )
        parts.append(_text(x + 20, y, name, anchor="start", size=11))
        x += 28 + 12 * len(str(name))
    return parts


def _y_axis(left, top, plot_w, plot_h, top_value, step, unit, floor=0.0) -> list[str]:
    """The grid lines with their values, every ``step`` from ``floor`` up to
    ``top_value``, and the unit over the axis."""
    parts = []
    span = top_value - floor
    ticks = round(span / step)
    for i in range(ticks + 1):
        value = floor + step * i
        y = top + plot_h - plot_h * (value - floor) / span
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID if i else AXIS}" stroke-width="{0.8 if i else 1}"/>'
        )
        parts.append(_text(left - 6, y + 4, _fmt(value), anchor="end", size=10, color=AXIS))
    if unit:
        parts.append(_text(left - 6, top - 10, unit, anchor="end", size=10, color=AXIS))
    return parts


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    unit: str = "件",
    width: int = 680,
    height: int = 260,
    values: bool = True,
) -> SafeString:
    """Vertical bars, grouped per label (one bar per series), with the values above the
    bars when they fit."""
    left, right, top, bottom = 52, 12, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((float(v or 0) for _n, vs in series for v in vs), default=0)
    top_value, step = nice_max(highest)
    body = _y_axis(left, top, plot_w, plot_h, top_value, step, unit)
    n = max(len(labels), 1)
    group_w = plot_w / n
    bar_w = min(group_w * 0.8 / max(len(series), 1), 28)
    show_values = values and bar_w >= 14
    for i, label in enumerate(labels):
        start = left + group_w * i + (group_w - bar_w * len(series)) / 2
        for j, (_name, vs) in enumerate(series):
            value = float(vs[i] or 0)
            h = plot_h * value / top_value
            x = start + bar_w * j
            y = top + plot_h - h
            color = PALETTE[j % len(PALETTE)]
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{color}"/>'
            )
            if show_values and value:
                body.append(_text(x + bar_w / 2, y - 3, _fmt(value), size=8, color="#333"))
        body.append(
            _text(left + group_w * (i + 0.5), top + plot_h + 16, label, size=10, color=AXIS)
        )
    body += _legend(
        [(name, PALETTE[j % len(PALETTE)]) for j, (name, _vs) in enumerate(series)],
        left,
        16,
    )
    return _svg(width, height, body, title)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    unit: str = "%",
    width: int = 680,
    height: int = 240,
    floor: float | None = None,
    ceiling: float | None = 100,
) -> SafeString:
    """Lines with a dot and its value at each point (a gap where a value is None). The
    axis runs from ``floor`` (by default a round value under the lowest point, so close
    rates stay readable) to ``ceiling`` (or a round value over the highest)."""
    left, right, top, bottom = 52, 16, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [float(v) for _n, vs in series for v in vs if v is not None]
    high = ceiling if ceiling is not None else nice_max(max(points, default=0))[0]
    if floor is None:
        low = min(points, default=0)
        floor = max(0.0, math.floor((low - 5) / 10) * 10) if points else 0.0
    span = max(high - floor, 1e-9)
    body = _y_axis(left, top, plot_w, plot_h, floor + span, span / 4, unit, floor)
    n = max(len(labels), 1)
    slot = plot_w / n

    def xy(i, value):
        x = left + slot * (i + 0.5)
        y = top + plot_h - plot_h * (float(value) - floor) / span
        return x, y

    for i, label in enumerate(labels):
        body.append(_text(left + slot * (i + 0.5), top + plot_h + 16, label, size=10, color=AXIS))
    for j, (_name, vs) in enumerate(series):
        color = PALETTE[j % len(PALETTE)]
        run: list[tuple[float, float]] = []
        runs = [run]
        for i, value in enumerate(vs):
            if value is None:
                run = []
                runs.append(run)
            else:
                run.append(xy(i, value))
        for part in runs:
            if len(part) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in part)
                body.append(
                    f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
                )
        for i, value in enumerate(vs):
            if value is None:
                continue
            x, y = xy(i, value)
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
            offset = -7 if j % 2 == 0 else 14
            body.append(_text(x, y + offset, _fmt(float(value)), size=8, color="#333"))
    body += _legend(
        [(name, PALETTE[j % len(PALETTE)]) for j, (name, _vs) in enumerate(series)],
        left,
        16,
        line=True,
    )
    return _svg(width, height, body, title)


def hbar_chart(
    rows: Sequence[tuple[str, Number]],
    *,
    title: str,
    unit: str = "件",
    width: int = 680,
    label_width: int = 200,
    color: str = PALETTE[0],
) -> SafeString:
    """Horizontal bars, one per (label, value), the value at the bar's end."""
    row_h, top, right = 22, 8, 60
    height = top * 2 + row_h * max(len(rows), 1)
    plot_w = width - label_width - right
    highest = max((float(v or 0) for _l, v in rows), default=0) or 1
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + row_h * i
        w = plot_w * float(value or 0) / highest
        shown = label if len(label) <= 16 else label[:15] + "…"
        body.append(_text(label_width - 8, y + 15, shown, anchor="end", size=11))
        body.append(
            f'<rect x="{label_width}" y="{y + 4:.1f}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{color}"/>'
        )
        body.append(
            _text(
                label_width + w + 5,
                y + 15,
                f"{_fmt(float(value or 0))} {unit}",
                anchor="start",
                size=10,
            )
        )
    body.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}" '
        f'stroke="{AXIS}"/>'
    )
    return _svg(width, height, body, title)


def donut(
    parts: Sequence[tuple[str, Number]],
    *,
    title: str,
    width: int = 680,
    height: int = 200,
    centre: str = "",
) -> SafeString:
    """A donut of the parts' shares with a legend (name, value, share) at its right and
    ``centre`` written in the hole."""
    total = sum(float(v or 0) for _n, v in parts)
    cx, cy, r, hole = height / 2, height / 2, height / 2 - 10, height / 2 - 48
    body = []
    angle = -math.pi / 2
    if total <= 0:
        body.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{GRID}"/>')
    for i, (_name, value) in enumerate(parts):
        share = float(value or 0) / total if total else 0
        if share <= 0:
            continue
        color = PALETTE[i % len(PALETTE)]
        if share >= 0.9999:
            body.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{color}"/>')
            continue
        end = angle + 2 * math.pi * share
        large = 1 if share > 0.5 else 0
        x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
        x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
        body.append(
            f'<path d="M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} A{r:.1f},{r:.1f} 0 {large} 1 '
            f'{x2:.1f},{y2:.1f} Z" fill="{color}" stroke="#fff" stroke-width="1"/>'
        )
        angle = end
    body.append(f'<circle cx="{cx}" cy="{cy}" r="{hole}" fill="#fff"/>')
    if centre:
        body.append(_text(cx, cy + 6, centre, size=16, weight="bold"))
    x = height + 30
    for i, (name, value) in enumerate(parts):
        y = 30 + 24 * i
        share = float(value or 0) / total * 100 if total else 0
        color = PALETTE[i % len(PALETTE)]
        body.append(f'<rect x="{x}" y="{y - 11}" width="13" height="13" fill="{color}"/>')
        body.append(_text(x + 20, y, name, anchor="start", size=12))
        body.append(
            _text(
                width - 10, y, f"{_fmt(float(value or 0))} 件 · {share:.1f}%", anchor="end", size=12
            )
        )
    return _svg(width, height, body, title)
