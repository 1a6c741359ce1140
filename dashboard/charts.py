"""Server-side SVG charts: geometry computed here, drawn by templates/charts/*.svg.

No JavaScript, prints well, and every number drawn is also in a table beside the chart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str
    css: str = ""
    title: str = ""
    target: float | None = None
    target_y: float | None = None

    # SVG attributes as plain strings: templates must not localise them ("12,5" breaks SVG).
    @property
    def svg(self) -> dict[str, str]:
        return {
            "x": _n(self.x), "y": _n(self.y), "width": _n(self.width), "height": _n(self.height),
            "x2": _n(self.x + self.width), "value_y": _n(self.y - 3), "text_y": _n(self.y + 11),
            "value_x": _n(self.x + self.width + 4),
            "target_y": "" if self.target_y is None else _n(self.target_y),
        }


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    baseline: float
    title: str
    max_value: float

    @property
    def label_y(self) -> str:
        return _n(self.baseline + 14)

    @property
    def label_chars(self) -> int:
        """How many characters of a label fit under its bar at the 10-unit font (about 5.5
        units a character), so a long label is cut only where it would run into the next."""
        slot = (self.width - 16) / max(len(self.bars), 1)
        return max(6, int(slot / 5.5))

    @property
    def baseline_s(self) -> str:
        return _n(self.baseline)


def vertical_bars(
    items: list[tuple[str, float, str]],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
    max_value: float | None = None,
    targets: dict[str, float] | None = None,
    value_format=lambda v: f"{v:g}",
) -> BarChart:
    """items: (label, value, css class). Targets, if any, draw a marker line per bar."""
    top, bottom, left, right = 18, 28, 8, 8
    plot_h = height - top - bottom
    n = max(len(items), 1)
    slot = (width - left - right) / n
    bar_w = max(slot * 0.7, 2)
    peak = max_value or max([v for _, v, _ in items] + list((targets or {}).values()) + [1])
    bars = []
    for i, (label, value, css) in enumerate(items):
        h = plot_h * (value / peak) if peak else 0
        x = left + i * slot + (slot - bar_w) / 2
        target = (targets or {}).get(label)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=round(top + plot_h - h, 1),
                width=round(bar_w, 1),
                height=round(h, 1),
                text=value_format(value),
                css=css,
                target=target,
                target_y=None if target is None else round(top + plot_h - plot_h * target / peak, 1),
            )
        )
    return BarChart(width, height, bars, top + plot_h, title, peak)


def horizontal_bars(
    items: list[tuple[str, float, str, str]],
    *,
    title: str,
    width: int = 640,
    row: int = 20,
    label_width: int = 260,
    max_value: float = 100.0,
) -> BarChart:
    """items: (label, value, text, css). One row per item, value scaled to max_value."""
    top = 4
    plot_w = width - label_width - 60
    bars = []
    for i, (label, value, text, css) in enumerate(items):
        w = plot_w * (value / max_value) if max_value else 0
        bars.append(
            Bar(label=label, value=value, x=label_width, y=top + i * row, width=round(w, 1),
                height=row - 6, text=text, css=css)
        )
    return BarChart(width, top + len(items) * row + 4, bars, 0, title, max_value)
