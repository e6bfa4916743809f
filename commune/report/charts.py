"""The report's charts as PNG bytes (matplotlib, Agg: no display needed).

DejaVu Sans, which matplotlib ships, has every Vietnamese letter. Pictures carry no date,
so the same figures give the same bytes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from commune.catalogue import say
from commune.report.fmt import vn_int

if TYPE_CHECKING:
    from commune.report.broadcasts import WeekFigures

DPI = 200
WIDTH_IN = 6.3  # about 16 cm, the text width of an A4 page with administrative margins
AIRED, PARTIAL, PLANNED = "#2e6f40", "#d9a441", "#b22222"
MAX_FIELDS = 12


def _pyplot():  # matplotlib.pyplot
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "village",
        }
    )
    return plt


def _png(fig) -> bytes:  # a matplotlib Figure
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def sessions_chart(weeks: list[WeekFigures]) -> bytes:
    """Sessions aired in full and in part per week (stacked bars) against the plan (marks)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.6))
    labels = [say("chart_week", number=w.week.number) for w in weeks]
    positions = list(range(len(weeks)))
    aired = [w.tally.aired for w in weeks]
    partial = [w.tally.partial for w in weeks]
    planned = [w.tally.planned for w in weeks]
    ax.bar(positions, aired, width=0.6, color=AIRED, label=say("chart_aired"))
    ax.bar(positions, partial, width=0.6, bottom=aired, color=PARTIAL, label=say("chart_partial"))
    ax.scatter(
        positions,
        planned,
        marker="_",
        s=900,
        linewidths=2.2,
        color=PLANNED,
        zorder=3,
        label=say("chart_planned"),
    )
    for x, week in zip(positions, weeks, strict=True):
        if week.tally.records == 0 and week.tally.planned:
            label, y, color = say("chart_no_data"), 0, "#666666"
        else:
            y = week.tally.aired + week.tally.partial
            label, color = str(y), "#000000"
        ax.annotate(
            label,
            (x, y),
            ha="center",
            va="bottom",
            fontsize=8,
            color=color,
            xytext=(0, 2),
            textcoords="offset points",
        )
    top = max([*planned, *(a + p for a, p in zip(aired, partial, strict=True)), 1])
    ax.set_ylim(0, top * 1.25 + 0.5)
    ax.set_xticks(positions, labels, rotation=0 if len(weeks) <= 9 else 45)
    ax.set_ylabel(say("chart_sessions"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 if len(weeks) <= 9 else -0.3),
        ncol=3,
        frameon=False,
    )
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return _png(fig)


def fields_chart(fields: list[tuple[str, int]]) -> bytes:
    """Views per field, largest at the top (at most ``MAX_FIELDS`` bars)."""
    plt = _pyplot()
    shown = fields[:MAX_FIELDS]
    height = 0.75 + 0.32 * len(shown)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height))
    names = [_wrap(name) for name, _ in reversed(shown)]
    values = [n for _, n in reversed(shown)]
    bars = ax.barh(range(len(shown)), values, color=AIRED, height=0.6)
    ax.set_yticks(range(len(shown)), names)
    ax.bar_label(bars, labels=[vn_int(v) for v in values], padding=3, fontsize=8)
    ax.set_xlabel(say("chart_views"))
    ax.set_xlim(0, max(values + [1]) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return _png(fig)


def _wrap(text: str, width: int = 38) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    cut = cut if cut > 0 else width
    return text[:cut] + "\n" + text[cut:].strip()
