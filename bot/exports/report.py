"""The staff report: one self-contained HTML file, rendered from a Jinja2 template (autoescape).

Everything comes from an `ExportData`, so the report shows exactly the suppressed tables of the
export: a hidden count is never drawn to scale. Where a row total is visible, the hidden part of
a bar is one dashed block of the size the visible numbers already give away (total minus the
visible counts); where the total is hidden, no bar is drawn. Comments are not in the report,
only quotes a staff member approved for sharing (`/quote`), so it can be shared more widely.

A Content-Security-Policy forbids scripts and any external resource. One column fits a phone;
printed, it fits A4 with every number as text and no bar split across pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.exports.data import ExportData, Table
from bot.exports.files import write_private
from bot.exports.suppression import Shown, is_hidden

#: Good, neither, bad: a colour-blind-safe diverging scale; each at least 3:1 against white.
RATING_COLOURS: tuple[str, ...] = ("#2166ac", "#767676", "#b2182b")
UNANSWERED_COLOUR = "#d9d9d9"
RESPECT_COLOURS: tuple[str, ...] = ("#2166ac", "#5a8cbf", "#b2182b")
WEEK_COLOUR = "#3b6ea5"
#: Text colours used by the stylesheet, for the contrast check.
TEXT_COLOURS: tuple[str, ...] = ("#1d1d1d", "#555555", "#333333", "#444444")
TOP_TOPICS = 15

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
  sans-serif; color: #1d1d1d; background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #ddd; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.3rem; }
.meta, .note, .legend-text { color: #555555; font-size: 0.9rem; }
.cards { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 9rem; }
.card b { display: block; font-size: 1.6rem; }
.scroll { overflow-x: auto; }
.chart { display: block; width: 100%; height: auto; }
.bar-row { margin: 0.55rem 0; }
.bar-label { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 0.5rem;
  font-size: 0.95rem; }
.bar-label span:last-child { color: #555555; }
.bar { display: block; width: 100%; height: 22px; }
.keys { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; font-size: 0.85rem; margin: 0.4rem 0; }
.key { display: inline-flex; align-items: center; gap: 0.3rem; }
.swatch { width: 14px; height: 14px; display: inline-block; border: 1px solid #999; }
.hidden-swatch { background: #fff; border: 1.5px dashed #6b6b6b; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
caption { text-align: left; font-weight: 600; padding: 0.2rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total th, tr.total td { font-weight: bold; }
.quote { margin: 0.8rem 0; border-left: 4px solid #2166ac; padding: 0.2rem 0.8rem; }
.quote blockquote { margin: 0; font-style: italic; }
.quote figcaption { color: #555555; font-size: 0.85rem; }
.muted { color: #555555; font-style: italic; }
footer { margin: 2.5rem 0 1rem; color: #555555; font-size: 0.85rem; }
@media print {
  @page { size: A4; margin: 14mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  .chart { min-width: 0 !important; }
  .bar-row, table, tr, figure, .cards, .keys { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
"""

_ENVIRONMENT = Environment(
    loader=PackageLoader("bot.exports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=False,
)


def render_report(data: ExportData) -> str:
    """The report as one HTML document (a string)."""
    template = _ENVIRONMENT.get_template("report.html.j2")
    return template.render(**_context(data))


def write_report_html(data: ExportData, path: Path) -> Path:
    """Write the report (mode 0600, complete or not at all)."""
    write_private(path, render_report(data).encode("utf-8"))
    return path


# --- the template's context -------------------------------------------------------------------


def _context(data: ExportData) -> dict[str, Any]:
    labels = data.labels
    _ = labels._
    services = data.table("services")
    respect = data.table("respect")
    weeks = data.table("weeks")
    assert services is not None and respect is not None and weeks is not None
    ages = [t for t in data.tables if t.key in {"service_age", "age_rating"}]
    municipalities = data.table("municipalities")
    usage = [
        t for t in data.tables if t.key in {"topic_views", "tag_reach", "deeplinks", "helpful"}
    ]
    with_comment = sum(1 for _c in data.comments)
    title = _("Feedback from residents: %(scope)s, %(period)s") % {
        "scope": data.scope_words,
        "period": data.period_words,
    }
    return {
        "lang": labels.lang,
        "title": title,
        "css": _CSS,
        "period": str(data.period),
        "period_words": data.period_words,
        "previous_words": labels.period(data.previous),
        "scope": data.scope_words,
        "generated": data.generated_on.isoformat(),
        "legend": data.legend,
        "cards": [
            {"label": _("Submissions"), "value": data.submission_count},
            {"label": _("With a comment"), "value": _shown(with_comment, data.threshold)},
            {"label": _("Good (4–5), all services"), "value": _overall_good(data)},
        ],
        "service_bars": _bars(services, RATING_COLOURS, data),
        "service_few": _few(services, data),
        "respect_few": _few(respect, data),
        "rating_keys": _keys(services, RATING_COLOURS),
        "services": _table(_without_empty(services)),
        "respect_bars": _bars(respect, RESPECT_COLOURS, data),
        "respect_keys": _keys(respect, RESPECT_COLOURS),
        "respect": _table(_without_empty(respect)),
        "trend": data.trend,
        "municipalities": _table(municipalities) if municipalities is not None else None,
        "ages": [_table(t) for t in ages],
        "weeks": _table(weeks),
        "week_chart": _week_chart(weeks, data.threshold),
        "week_colour": WEEK_COLOUR,
        "quotes": [
            {
                "text": q.text,
                "lang": q.lang,
                "caption": f"{labels.service(q.service)} · {labels.language(q.lang)}",
            }
            for q in data.quotes
        ],
        "questions": None
        if data.scope is not None
        else [
            {
                "question": q.question,
                "langs": ", ".join(labels.language(c) for c in q.langs),
                "count": q.count,
            }
            # Only questions asked at least threshold times: the report is shared more widely
            # than the export, and a rare question can be one person's words (review F5).
            for q in [q for q in data.top_unanswered if not is_hidden(q.count)][:20]
        ],
        "usage": [_table(_top(t)) for t in usage],
        "t": _words(data),
    }


def _words(data: ExportData) -> dict[str, str]:
    _ = data.labels._
    return {
        "period": _("Period"),
        "municipalities": _("Municipalities"),
        "generated": _("generated"),
        "key_figures": _("Key figures"),
        "hidden_part": _("hidden (small counts)"),
        "too_few": _("Too few answers to show the shares."),
        "ratings": _("Ratings by service"),
        "ratings_note": _(
            "Good is a rating of 4 or 5, neither is 3, bad is 1 or 2. Services without answers "
            "are left out of the chart."
        ),
        "respect": _("Treated with respect, by service"),
        "trend": _("Trend by month"),
        "trend_note": _(
            "Share of good ratings (4–5) among all answers about the service (skipped ratings "
            "included), per month, as far as the suppressed monthly tables show it; – means too "
            "few answers."
        ),
        "trend_caption": _("Share of good ratings per month, and this period against the previous"),
        "respect_trend": _("Share treated with respect per month"),
        "service": _("Service"),
        "change": _("Change (percentage points)"),
        "ages": _("Age bands"),
        "ages_tertial_only": _(
            "Age bands are shown only in reports for a tertial, one municipality at a time, so "
            "that no comparison of reports can tie a comment to a small group."
        ),
        "weeks": _("Submissions by week"),
        "quotes": _("Residents' voices"),
        "no_quotes": _("No comment has been approved for quoting in this period."),
        "questions": _("Top unanswered questions"),
        "questions_caption": _("Questions residents searched for without finding a topic"),
        "no_questions": _("No unanswered questions in this period."),
        "question": _("Question"),
        "language": _("Language"),
        "times_asked": _("Times asked"),
        "usage": _("Use of the bot"),
        "footer": _(
            "Anonymous: the bot stores no names, accounts, days or times. Comments are not part "
            "of this report, only quotes staff approved for sharing. Counts under the threshold "
            "are hidden, together with other counts where needed, so that they cannot be worked "
            "out from the totals."
        ),
    }


def _shown(count: int, threshold: int) -> Shown:
    return f"<{threshold}" if 0 < count < threshold else count


def _overall_good(data: ExportData) -> str:
    trend = data.trend
    if trend is not None and trend.rows:
        return trend.rows[-1].now
    return "–"


def _keys(table: Table, colours: Sequence[str]) -> list[dict[str, str]]:
    palette = [*colours, UNANSWERED_COLOUR]
    return [
        {"label": label, "colour": palette[min(j, len(palette) - 1)]}
        for j, label in enumerate(table.column_labels)
    ]


def _bars(table: Table, colours: Sequence[str], data: ExportData) -> list[dict[str, Any]]:
    """One stacked bar per service with answers; hidden counts together as one dashed block."""
    palette = [*colours, UNANSWERED_COLOUR]
    out = []
    totals = table.values.row_totals or ()
    for i, labels in enumerate(table.row_labels):
        total = totals[i] if i < len(totals) else 0
        if total == 0 or not isinstance(total, int):
            continue  # nobody, or too few: listed together under the chart (`_few`)
        cells = table.values.cells[i]
        words = ", ".join(
            f"{name} {value}" for name, value in zip(table.column_labels, cells, strict=True)
        )
        words = f"n = {total}: {words}"
        segments: list[dict[str, Any]] = []
        if isinstance(total, int):
            x = 0.0
            for j, value in enumerate(cells):
                if isinstance(value, int) and value:
                    width = value / total * 100
                    segments.append(
                        {
                            "x": f"{x:.2f}",
                            "width": f"{width:.2f}",
                            "colour": palette[min(j, len(palette) - 1)],
                            "hidden": False,
                            "title": f"{table.column_labels[j]}: {value}",
                        }
                    )
                    x += width
            hidden = total - sum(v for v in cells if isinstance(v, int))
            if hidden > 0:
                segments.append(
                    {
                        "x": f"{x:.2f}",
                        "width": f"{hidden / total * 100:.2f}",
                        "colour": "",
                        "hidden": True,
                        "title": f"{data.labels._('hidden (small counts)')}: {hidden}",
                    }
                )
        out.append({"label": labels[-1], "words": words, "segments": segments})
    return out


def _few(table: Table, data: ExportData) -> str:
    """The services with a hidden total, in one line instead of a bar each."""
    totals = table.values.row_totals or ()
    names = [labels[-1] for labels, total in zip(table.row_labels, totals, strict=False)]
    hidden = [name for name, total in zip(names, totals, strict=False) if is_hidden(total)]
    if not hidden:
        return ""
    return data.labels._("Fewer than %(n)s answers: %(services)s") % {
        "n": data.threshold,
        "services": ", ".join(hidden),
    }


def _without_empty(table: Table) -> Table:
    """The table without services nobody answered about (their rows are all 0)."""
    totals = table.values.row_totals or ()
    keep = [i for i in range(len(table.row_labels)) if i >= len(totals) or totals[i] != 0]
    values = table.values
    return replace(
        table,
        row_labels=tuple(table.row_labels[i] for i in keep),
        values=replace(
            values,
            cells=tuple(values.cells[i] for i in keep),
            row_totals=None if values.row_totals is None else tuple(totals[i] for i in keep),
        ),
        counts=tuple(table.counts[i] for i in keep) if table.counts else (),
    )


def _top(table: Table) -> Table:
    """Usage tables: the most viewed topics first, at most TOP_TOPICS rows."""
    if table.key != "topic_views":
        return table
    values = table.values
    totals = values.row_totals or ()

    def size(i: int) -> int:
        value = totals[i]
        return value if isinstance(value, int) else 0

    order = sorted(range(len(table.row_labels)), key=lambda i: (-size(i), table.row_labels[i]))
    keep = [i for i in order if totals and totals[i] != 0][:TOP_TOPICS]
    return replace(
        table,
        row_labels=tuple(table.row_labels[i] for i in keep),
        values=replace(
            values,
            cells=tuple(values.cells[i] for i in keep),
            row_totals=tuple(totals[i] for i in keep) if totals else None,
            column_totals=None,
            grand_total=None,
        ),
    )


def _table(table: Table) -> dict[str, Any]:
    rows = table.rows()
    has_total = table.values.column_totals is not None and bool(table.row_labels)
    return {
        "title": table.title,
        "note": table.note,
        "header": table.header,
        "label_columns": len(table.row_headers),
        "rows": [
            {"cells": row, "total": has_total and i == len(rows) - 1} for i, row in enumerate(rows)
        ],
    }


# --- submissions by week: vertical bars -------------------------------------------------------


def _week_chart(table: Table, threshold: int) -> dict[str, Any] | None:
    if table.is_empty:
        return None
    weeks = [labels[0] for labels in table.row_labels]
    values = [row[0] for row in table.values.cells]
    step, left, right_pad, top, plot = 30, 40, 10, 16, 170
    width = max(320, left + right_pad + len(weeks) * step)
    visible = [v for v in values if isinstance(v, int)]
    y_max = _nice_max(max([threshold, *visible]))
    base = top + plot
    bars = []
    every = max(1, math.ceil(len(weeks) / 16))
    for i, (week, value) in enumerate(zip(weeks, values, strict=True)):
        shown = value if isinstance(value, int) else threshold - 1
        height = shown / y_max * plot
        bars.append(
            {
                "x": left + i * step + 4,
                "y": round(base - height, 1),
                "width": step - 8,
                "height": round(height, 1),
                "hidden": is_hidden(value),
                "value": value,
                "week": week,
                "short": week.split("-", 1)[-1],
                "show_label": i % every == 0,
            }
        )
    ticks = [{"value": round(y_max / 5 * k), "y": round(base - k / 5 * plot, 1)} for k in range(6)]
    return {
        "width": width,
        "height": base + 30,
        "min_width": int(width * 0.75),
        "left": left,
        "right": width - right_pad,
        "base": base,
        "bars": bars,
        "ticks": ticks,
    }


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        top = int(factor * magnitude)
        if top >= value:
            return top
    return value
