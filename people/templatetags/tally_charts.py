"""Bar charts for the tally pages as inline SVG drawn on the server.

No chart library and no script: the same markup shows in the browser, prints, and renders
in WeasyPrint's PDFs. Every label goes through `format_html`, so unit names are escaped.
"""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

FONT = "'Noto Sans CJK SC', 'Noto Sans CJK', sans-serif"
BAR = "#b5121b"  # the service's red (site.css --lb-red)
BAR_ALT = "#2f6f9f"
GRID = "#e3e3e3"
TEXT = "#333"
MUTED = "#777"


def nice_ceiling(value) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above value, so axes end on round numbers."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    scale = Decimal(10) ** (value.adjusted())
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * scale:
            return Decimal(step) * scale
    return 10 * scale  # pragma: no cover - the loop always returns


def _num(value) -> str:
    return f"{Decimal(value):.1f}"


def _px(value: float) -> str:
    """A coordinate with one decimal (format_html escapes to strings before formatting)."""
    return f"{value:.1f}"


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="lb-chart" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="{title}" '
        'font-family="{font}" font-size="12">'
        "<title>{title}</title>{body}</svg>",
        w=width,
        h=height,
        title=title,
        font=FONT,
        body=body,
    )


@register.simple_tag
def hbar_chart(rows, *, title: str, suffix: str = "", max_value=None, color: str = BAR):
    """Horizontal bars, one per (label, value, target) row; target (or None) draws a tick.

    Horizontal so long Chinese unit names sit on the left instead of slanting under bars.
    """
    rows = [(str(label), Decimal(value), target) for label, value, target in rows]
    label_w, value_w, bar_w, row_h, top = 150, 64, 260, 24, 26
    width = label_w + bar_w + value_w
    height = top + row_h * max(len(rows), 1) + 6
    values = [v for _label, v, _t in rows] + [Decimal(t) for *_r, t in rows if t is not None]
    peak = max(values, default=Decimal(0))
    scale_max = Decimal(max_value) if max_value is not None else nice_ceiling(peak or 1)
    parts = [format_html('<text x="0" y="16" font-weight="bold" fill="{}">{}</text>', TEXT, title)]
    if not rows:
        parts.append(
            format_html('<text x="0" y="{}" fill="{}">{}</text>', top + 16, MUTED, _("暂无数据"))
        )
    for index, (label, value, target) in enumerate(rows):
        y = top + index * row_h
        length = float(min(value, scale_max) / scale_max) * bar_w if scale_max else 0
        parts.append(
            format_html(
                "<g><title>{label}：{value}{suffix}</title>"
                '<text x="{lx}" y="{ty}" text-anchor="end" fill="{text}">{short}</text>'
                '<rect x="{bx}" y="{by}" width="{bw}" height="{bh}" fill="{grid}"/>'
                '<rect x="{bx}" y="{by}" width="{length}" height="{bh}" fill="{color}"/>'
                '<text x="{vx}" y="{ty}" fill="{text}">{value}{suffix}</text></g>',
                label=label,
                short=_short(label, 10),
                value=_num(value),
                suffix=suffix,
                lx=label_w - 8,
                ty=y + 15,
                bx=label_w,
                by=y + 4,
                bw=bar_w,
                bh=row_h - 8,
                length=_px(length),
                vx=label_w + bar_w + 6,
                text=TEXT,
                grid=GRID,
                color=color,
            )
        )
        if target is not None:
            x = label_w + float(min(Decimal(target), scale_max) / scale_max) * bar_w
            parts.append(
                format_html(
                    '<line x1="{x}" x2="{x}" y1="{y1}" y2="{y2}" stroke="#222" '
                    'stroke-width="2"><title>{label}</title></line>',
                    x=_px(x),
                    y1=y + 1,
                    y2=y + row_h - 1,
                    label=_("目标 %(value)s") % {"value": _num(target)},
                )
            )
    return _svg(width, height, title, mark_safe("".join(parts)))


@register.simple_tag
def month_chart(pairs, *, title: str, color: str = BAR_ALT):
    """Vertical bars for the twelve (month, hours) pairs, with round-numbered gridlines."""
    pairs = [(int(month), Decimal(hours)) for month, hours in pairs]
    left, right, top, bottom = 48, 10, 30, 26
    plot_w, plot_h = 600, 170
    width, height = left + plot_w + right, top + plot_h + bottom
    scale_max = nice_ceiling(max([h for _m, h in pairs] + [Decimal(0)]) or 1)
    parts = [format_html('<text x="0" y="16" font-weight="bold" fill="{}">{}</text>', TEXT, title)]
    ticks = 4
    for tick in range(ticks + 1):
        value = scale_max * tick / ticks
        y = top + plot_h - plot_h * tick / ticks
        parts.append(
            format_html(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{grid}"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" font-size="10" fill="{muted}">'
                "{value}</text>",
                l=left,
                r=left + plot_w,
                y=_px(y),
                tx=left - 6,
                ty=_px(y + 4),
                value=f"{value.normalize():f}",
                grid=GRID,
                muted=MUTED,
            )
        )
    slot = plot_w / max(len(pairs), 1)
    for index, (month, hours) in enumerate(pairs):
        bar_h = float(hours / scale_max) * plot_h
        x = left + index * slot + slot * 0.18
        parts.append(
            format_html(
                "<g><title>{label}：{value}</title>"
                '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{color}"/>'
                '<text x="{cx}" y="{vy}" text-anchor="middle" font-size="10" '
                'fill="{text}">{value}</text>'
                '<text x="{cx}" y="{ly}" text-anchor="middle" fill="{text}">{label}</text>'
                "</g>",
                label=_("%(month)s月") % {"month": month},
                value=_num(hours) if hours else "",
                x=_px(x),
                y=_px(top + plot_h - bar_h),
                w=_px(slot * 0.64),
                h=_px(bar_h),
                cx=_px(x + slot * 0.32),
                vy=_px(top + plot_h - bar_h - 4),
                ly=top + plot_h + 18,
                color=color,
                text=TEXT,
            )
        )
    return _svg(width, height, title, mark_safe("".join(parts)))


@register.filter
def hours(value) -> str:
    """Hours and percentages with one decimal, as the exports write them."""
    if value is None or value == "":
        return "—"
    return _num(value)


@register.filter
def indent(depth) -> str:
    """Full-width spaces for a unit's depth below the top of the tally (as in unit menus)."""
    return "\u3000" * max(int(depth or 0), 0)


@register.filter
def of(mapping, key):
    """mapping[key] in a template: hours_by_kind|of:kind."""
    return mapping.get(key) if mapping else None


@register.filter
def figure(value) -> str:
    """A summary figure: hours and percentages with one decimal, counts as they are."""
    return _num(value) if isinstance(value, Decimal) else str(value)
