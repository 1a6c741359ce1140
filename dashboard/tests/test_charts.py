"""The server-drawn bar chart cuts a label only where it would run into the next bar."""

from django.template.loader import render_to_string

from dashboard import charts


def _labels(chart) -> list[str]:
    svg = render_to_string("charts/vbar.svg", {"chart": chart})
    return [part.split("</text>")[0] for part in svg.split('<text class="lbl"')[1:]]


def test_two_bars_keep_their_whole_labels():
    chart = charts.vertical_bars([("Nông thôn mới hiện đại", 0, "bar"), ("Nông thôn mới", 37, "bar")],
                                 title="Kế hoạch", width=640, height=200)
    labels = [label.split(">", 1)[1] for label in _labels(chart)]
    assert labels == ["Nông thôn mới hiện đại", "Nông thôn mới"]


def test_many_bars_cut_long_labels_to_their_slot():
    items = [(f"Tiêu chí số {i} rất dài", i, "bar") for i in range(1, 20)]
    chart = charts.vertical_bars(items, title="Tiêu chí", width=640, height=200)
    assert chart.label_chars == 6  # (640 - 16) / 19 = 32.8 units a bar, the floor of 6 characters
    labels = [label.split(">", 1)[1] for label in _labels(chart)]
    assert all(len(label) <= 6 and label.endswith("…") for label in labels)
