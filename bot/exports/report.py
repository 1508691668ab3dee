"""The staff report: one self-contained HTML file with inline SVG charts, no scripts, no network.

Everything comes from an `ExportData`, so the report shows exactly the suppressed tables of the
export: a hidden count is never drawn to scale. Where a row total is visible, the hidden part of
a bar is drawn as one hatched block of the size the visible numbers already give away (total
minus the visible counts); where the total is hidden, no bar is drawn. The submissions list with
comments is *not* in the report, so it can be shared more widely than the export.

All text is HTML-escaped; a Content-Security-Policy forbids scripts and any external resource,
so the file shows the same anywhere, offline, and cannot be made to load anything. The layout
is one column that fits a phone; the weekly chart scrolls sideways when it is wider.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from pathlib import Path

from bot.exports.data import ExportData, QuestionCount, Table, language_label, legend
from bot.exports.files import write_private
from bot.exports.suppression import Shown

#: Rating 1 (very bad) to 5 (very good): a colour-blind-safe diverging scale, grey in the middle.
RATING_COLOURS: tuple[str, ...] = ("#b2182b", "#ef8a62", "#b8b8b8", "#67a9cf", "#2166ac")
SKIPPED_COLOUR = "#e6e6e6"
WEEK_COLOUR = "#3b6ea5"
RESPECT_COLOURS: dict[str, str] = {"Yes": "#2166ac", "Partly": "#92c5de", "No": "#d6604d"}
HATCH_STROKE = "#7a7a7a"
TOP_QUESTIONS = 20
#: Horizontal bars stretch to the page width (preserveAspectRatio="none"), so their hidden
#: parts are outlined with a non-scaling dashed stroke instead of hatched.
BAR_WIDTH = 100
BAR_HEIGHT = 10
HIDDEN_FILL = "#ffffff"

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
  sans-serif; color: #1d1d1d; background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #ddd; }
.meta, .note, .legend-text { color: #555; font-size: 0.9rem; }
.cards { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 9rem; }
.card b { display: block; font-size: 1.6rem; }
.scroll { overflow-x: auto; }
.chart { display: block; width: 100%; height: auto; }
.bars { margin: 0.5rem 0; }
.bar-row { margin: 0.55rem 0; }
.bar-label { display: flex; justify-content: space-between; gap: 0.5rem; font-size: 0.95rem; }
.bar-label span:last-child { color: #555; white-space: nowrap; }
.bar { display: block; width: 100%; height: 22px; }
.keys { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; font-size: 0.85rem; margin: 0.4rem 0; }
.key { display: inline-flex; align-items: center; gap: 0.3rem; }
.swatch { width: 14px; height: 14px; display: inline-block; border: 1px solid #999; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; }
details { margin: 0.4rem 0 1rem; }
summary { cursor: pointer; color: #2a5a8a; }
.muted { color: #666; font-style: italic; }
footer { margin: 2.5rem 0 1rem; color: #555; font-size: 0.85rem; }
"""


def render_report(data: ExportData) -> str:
    """The report as one HTML document (a string)."""
    title = f"Feedback report: {data.period}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Feedback report</h1>",
        f'<p class="meta">Weeks: {_e(data.period)} · generated {_e(data.generated_on.isoformat())}'
        "</p>",
        _cards(data),
        f'<p class="legend-text">{_e(legend(data.threshold))}</p>',
        _week_section(data.by_week, data.threshold),
        _service_section(data.service_rating),
        _respect_section(data.respect, data.threshold),
        _questions_section(data.top_unanswered),
        "<footer>",
        "<p>Anonymous: the bot stores no names, accounts, days or times. Comments are not part "
        "of this report. Counts under the threshold are hidden, together with other counts "
        "where needed, so that they cannot be worked out from the totals.</p>",
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def write_report_html(data: ExportData, path: Path) -> Path:
    """Write the report (mode 0600, complete or not at all)."""
    write_private(path, render_report(data).encode("utf-8"))
    return path


# --- pieces ---------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cards(data: ExportData) -> str:
    # No card for the number of unanswered questions: with the "times asked" of each question
    # it would let a reader work out the hidden small counts (each is at least 1).
    cards = [
        ("Submissions", data.submission_count),
        ("With a comment", _shown_count(sum(1 for s in data.submissions if s.comment), data)),
    ]
    body = "".join(f'<div class="card"><b>{_e(v)}</b>{_e(k)}</div>' for k, v in cards)
    return f'<section class="cards">{body}</section>'


def _shown_count(count: int, data: ExportData) -> Shown:
    return f"<{data.threshold}" if 0 < count < data.threshold else count


def _hatch(pattern_id: str) -> str:
    return (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_STROKE}" stroke-width="3"/>'
        "</pattern></defs>"
    )


def _swatch(colour: str | None, label: str) -> str:
    style = (
        f"background:{colour}"
        if colour
        else f"background:#fff; border: 1.5px dashed {HATCH_STROKE}"
    )
    return f'<span class="key"><span class="swatch" style="{style}"></span>{_e(label)}</span>'


def _data_table(table: Table) -> str:
    """The table's numbers, as published, behind a 'Numbers' disclosure."""
    if table.is_empty:
        return ""
    header = "".join(
        f'<th class="{"n" if j >= len(table.row_headers) else ""}">{_e(h)}</th>'
        for j, h in enumerate(table.header)
    )
    rows = []
    body = table.rows()
    has_total_row = table.values.column_totals is not None
    for i, row in enumerate(body):
        total = has_total_row and i == len(body) - 1
        cells = "".join(
            f'<td class="n">{_e(v)}</td>' if j >= len(table.row_headers) else f"<td>{_e(v)}</td>"
            for j, v in enumerate(row)
        )
        rows.append(f'<tr class="total">{cells}</tr>' if total else f"<tr>{cells}</tr>")
    note = f'<p class="note">{_e(table.note)}</p>' if table.note else ""
    return (
        f"<details><summary>Numbers</summary>{note}"
        f'<div class="scroll"><table><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _withheld(table: Table) -> str | None:
    if table.values.withheld:
        return '<p class="muted">Too few answers to show this safely.</p>'
    if table.is_empty:
        return '<p class="muted">No data for these weeks.</p>'
    return None


# --- submissions by week: vertical bars ---------------------------------------------------------


def _week_section(table: Table, threshold: int) -> str:
    heading = "<h2>Submissions by week</h2>"
    empty = _withheld(table)
    if empty is not None or table.values.row_totals is None:
        return heading + (empty or "")
    weeks = [labels[0] for labels in table.row_labels]
    svg = week_chart(weeks, table.values.row_totals, threshold)
    return heading + f'<div class="scroll">{svg}</div>' + _data_table(table)


def week_chart(weeks: Sequence[str], totals: Sequence[Shown], threshold: int) -> str:
    """Bars per week; a hidden week is a hatched outline up to the threshold, labelled."""
    count = len(weeks)
    step = 30
    left, right, top, bottom = 40, 10, 16, 42
    plot_height = 170
    width = max(320, left + right + count * step)
    height = top + plot_height + bottom
    visible = [v for v in totals if isinstance(v, int)]
    y_max = _nice_max(max([threshold, *visible]))
    ticks = _ticks(y_max)
    pattern = "hatch-weeks"
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'style="min-width:{int(width * 0.75)}px" '
        f'aria-label="Submissions per week">',
        "<title>Submissions per week</title>",
        _hatch(pattern),
    ]
    for tick in ticks:
        y = top + plot_height - tick / y_max * plot_height
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#e3e3e3" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#555">{tick}</text>'
        )
    label_every = max(1, math.ceil(count / 16))
    for i, (week, value) in enumerate(zip(weeks, totals, strict=True)):
        x = left + i * step + 4
        bar = step - 8
        base = top + plot_height
        if isinstance(value, int):
            h = value / y_max * plot_height
            out.append(
                f'<rect x="{x}" y="{base - h:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="{WEEK_COLOUR}"><title>{_e(week)}: {value}</title></rect>'
            )
            if value:
                out.append(
                    f'<text x="{x + bar / 2}" y="{base - h - 3:.1f}" font-size="10" '
                    f'text-anchor="middle" fill="#333">{value}</text>'
                )
        else:
            h = (threshold - 1) / y_max * plot_height
            out.append(
                f'<rect x="{x}" y="{base - h:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="url(#{pattern})" stroke="{HATCH_STROKE}" stroke-dasharray="3 2">'
                f"<title>{_e(week)}: {_e(value)}</title></rect>"
                f'<text x="{x + bar / 2}" y="{base - h - 3:.1f}" font-size="10" '
                f'text-anchor="middle" fill="#333">{_e(value)}</text>'
            )
        if i % label_every == 0:
            out.append(
                f'<text x="{x + bar / 2}" y="{base + 14}" font-size="10" text-anchor="middle" '
                f'fill="#444">{_e(_short_week(week))}</text>'
            )
    out.append(
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" '
        f'y2="{top + plot_height}" stroke="#888"/>'
    )
    years = sorted({w[:4] for w in weeks})
    out.append(
        f'<text x="{left}" y="{height - 6}" font-size="11" fill="#555">'
        f"ISO weeks {_e(years[0])}{'–' + _e(years[-1]) if len(years) > 1 else ''}</text>"
    )
    out.append("</svg>")
    return "".join(out)


def _short_week(week: str) -> str:
    return week.split("-", 1)[1] if "-" in week else week


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        top = int(factor * magnitude)
        if top >= value:
            return top
    return value


def _ticks(y_max: int) -> list[int]:
    step = y_max / 5
    return [round(step * k) for k in range(6)]


_HIDDEN_STYLE = (
    f'fill="{HIDDEN_FILL}" stroke="{HATCH_STROKE}" stroke-width="1.5" stroke-dasharray="4 3" '
    'vector-effect="non-scaling-stroke"'
)


def _bar_svg_open(label: str) -> str:
    return (
        f'<svg class="bar" viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" preserveAspectRatio="none" '
        'role="img" '
        f'aria-label="{_e(label)}">'
    )


# --- ratings by service: stacked horizontal bars -------------------------------------------------


def _service_section(table: Table) -> str:
    heading = "<h2>Ratings by service</h2>"
    empty = _withheld(table)
    if empty is not None or table.values.row_totals is None:
        return heading + (empty or "")
    columns = table.column_labels
    colours = [_rating_colour(label) for label in columns]
    keys = "".join(_swatch(c, label) for c, label in zip(colours, columns, strict=True))
    keys += _swatch(None, "hidden (small counts)")
    rows = []
    for i, labels in enumerate(table.row_labels):
        total = table.values.row_totals[i]
        cells = table.values.cells[i]
        rows.append(stacked_bar(labels[0], cells, total, colours, columns))
    return (
        heading
        + f'<div class="keys">{keys}</div>'
        + f'<div class="bars">{"".join(rows)}</div>'
        + _data_table(table)
    )


def _rating_colour(label: str) -> str:
    first = label.split(" ", 1)[0]
    if first.isdigit() and 1 <= int(first) <= len(RATING_COLOURS):
        return RATING_COLOURS[int(first) - 1]
    return SKIPPED_COLOUR


def stacked_bar(
    label: str,
    cells: Sequence[Shown],
    total: Shown,
    colours: Sequence[str],
    names: Sequence[str],
) -> str:
    """One labelled bar of shares; the hidden counts together as one hatched block at the end."""
    if not isinstance(total, int):
        return (
            f'<div class="bar-row"><div class="bar-label"><span>{_e(label)}</span>'
            f"<span>n {_e(total)}</span></div>"
            '<div class="muted">Too few answers to show the ratings.</div></div>'
        )
    out = [
        f'<div class="bar-row"><div class="bar-label"><span>{_e(label)}</span>'
        f"<span>n = {total}</span></div>",
        _bar_svg_open(label),
        f'<rect x="0" y="0" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#f4f4f4"/>',
    ]
    if total:
        x = 0.0
        shown_sum = 0
        for value, colour, name in zip(cells, colours, names, strict=True):
            if isinstance(value, int) and value:
                w = value / total * BAR_WIDTH
                out.append(
                    f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{BAR_HEIGHT}" '
                    f'fill="{colour}">'
                    f"<title>{_e(name)}: {value} of {total}</title></rect>"
                )
                x += w
                shown_sum += value
        hidden = total - shown_sum
        if hidden > 0:
            out.append(
                f'<rect x="{x:.2f}" y="0" width="{hidden / total * BAR_WIDTH:.2f}" '
                f'height="{BAR_HEIGHT}" {_HIDDEN_STYLE}>'
                f"<title>hidden: {hidden} of {total}</title></rect>"
            )
    out.append("</svg></div>")
    return "".join(out)


# --- respect: one bar per answer ----------------------------------------------------------------


def _respect_section(table: Table, threshold: int) -> str:
    heading = "<h2>Treated with respect</h2>"
    empty = _withheld(table)
    if empty is not None or table.values.column_totals is None:
        return heading + (empty or "")
    total = table.values.column_totals[0]
    values = [row[0] for row in table.values.cells]
    visible = [v for v in values if isinstance(v, int)]
    scale = max([threshold, *visible, total if isinstance(total, int) else 0])
    rows = []
    for i, labels in enumerate(table.row_labels):
        rows.append(
            _single_bar(
                labels[0],
                values[i],
                scale,
                threshold,
                RESPECT_COLOURS.get(labels[0], SKIPPED_COLOUR),
                total,
            )
        )
    return heading + f'<div class="bars">{"".join(rows)}</div>' + _data_table(table)


def _single_bar(
    label: str,
    value: Shown,
    scale: int,
    threshold: int,
    colour: str,
    total: Shown,
) -> str:
    if isinstance(value, int):
        share = f" ({round(value / total * 100)}%)" if isinstance(total, int) and total else ""
        text = f"{value}{share}"
        rect = (
            f'<rect x="0" y="0" width="{value / scale * BAR_WIDTH:.2f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"><title>{_e(label)}: {value}</title></rect>'
        )
    else:
        text = str(value)
        rect = (
            f'<rect x="0" y="0" width="{(threshold - 1) / scale * BAR_WIDTH:.2f}" '
            f'height="{BAR_HEIGHT}" {_HIDDEN_STYLE}>'
            f"<title>{_e(label)}: {_e(value)}</title></rect>"
        )
    return (
        f'<div class="bar-row"><div class="bar-label"><span>{_e(label)}</span>'
        f"<span>{_e(text)}</span></div>"
        f"{_bar_svg_open(label)}"
        f'<rect x="0" y="0" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#f4f4f4"/>'
        f"{rect}</svg></div>"
    )


def _languages(codes: Sequence[str]) -> str:
    return ", ".join(language_label(code) for code in codes)


# --- top unanswered questions -------------------------------------------------------------------


def _questions_section(questions: Sequence[QuestionCount]) -> str:
    heading = "<h2>Top unanswered questions</h2>"
    if not questions:
        return heading + '<p class="muted">No unanswered questions in these weeks.</p>'
    rows = "".join(
        f"<tr><td>{_e(q.question)}</td><td>{_e(_languages(q.langs))}</td>"
        f'<td class="n">{_e(q.count)}</td></tr>'
        for q in questions[:TOP_QUESTIONS]
    )
    more = len(questions) - TOP_QUESTIONS
    tail = (
        f'<p class="note">{more} more in the export (sheet "Unanswered questions").</p>'
        if more > 0
        else ""
    )
    note = (
        '<p class="note">Questions residents searched for without finding a topic, with '
        "personal data removed, most asked first. Rarely asked ones follow in "
        "alphabetical order.</p>"
    )
    return (
        heading + note + '<div class="scroll"><table><thead><tr><th>Question</th><th>Language</th>'
        f'<th class="n">Times asked</th></tr></thead><tbody>{rows}</tbody></table></div>' + tail
    )
