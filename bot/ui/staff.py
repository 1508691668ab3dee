"""Staff texts in the chat (Telegram-free): the report summary, staff help, usage, the log.

Every string comes from the catalogs in the staff member's language (Swedish, or Finnish).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.exports.data import ExportData
from bot.exports.suppression import Shown
from bot.i18n import N_, Translator
from bot.ui.render import bold, escape

#: Staff commands: in /help and in the command menu of staff chats only.
STAFF_COMMANDS: tuple[tuple[str, str], ...] = (
    ("report", N_("Staff: report for a period (HTML) and a summary")),
    ("export", N_("Staff: export for a period (XLSX, CSV, JSON)")),
    ("handled", N_("Staff: mark a comment handled")),
    ("quote", N_("Staff: approve a comment for the report's quotes")),
    ("unquote", N_("Staff: withdraw a quote approval")),
    ("exportlog", N_("Staff: who exported what, and when")),
    ("reach", N_("Staff: reach of the source tags of your municipalities")),
    ("reload", N_("Staff: reload content")),
)

BAR = "▇"
BAR_WIDTH = 10


def staff_help(t: Translator) -> str:
    lines = [bold(t._("For staff")), ""]
    lines += [f"/{name} – {escape(t._(text))}" for name, text in STAFF_COMMANDS]
    lines += [
        "",
        escape(
            t._(
                "Periods: 2026-03 (month), 2026-T1 (tertial), 2026-Q1 (quarter), 2026 (year) or "
                "2026-W05 (week); only whole periods that have ended. Without a period: last "
                "month. Add a municipality id to see only that municipality, e.g. "
                "/report 2026-Q1 haninge."
            )
        ),
        escape(
            t._(
                "Each comment in the export has a reference: /handled REF marks it handled (kept "
                "in later exports), /quote REF lets the report quote it."
            )
        ),
        escape(t._("The staff guide (in Swedish) is docs/staff-guide.md.")),
    ]
    return "\n".join(lines)


def usage(t: Translator, command: str) -> str:
    if command in {"handled", "quote", "unquote"}:
        text = t._("Usage: /%(command)s REF, with the reference of a comment from the export.")
        return escape(text % {"command": command})
    text = t._(
        "Usage: /%(command)s [period] [municipality], with a period like %(example)s that has "
        "ended."
    )
    return escape(text % {"command": command, "example": "2026-03, 2026-T1, 2026-Q1, 2026"})


def flag_result(t: Translator, command: str, matched: int) -> str:
    if matched == 0:
        return escape(t._("No comment of yours has that reference."))
    if matched > 1:
        return escape(t._("Several comments start with that reference: give more of it."))
    done = {
        "handled": t._("Marked handled."),
        "unhandled": t._("Marked not handled."),
        "quote": t._("Approved for quoting in reports."),
        "unquote": t._("No longer quoted in reports."),
    }
    return escape(done[command])


def bar_chart(items: Sequence[tuple[str, Shown]]) -> list[str]:
    """One line per item: a bar scaled to the largest visible count, the count, the label.

    A hidden count ("<5", "x") gets no bar: drawing it would give its size away.
    """
    visible = [value for _, value in items if isinstance(value, int)]
    largest = max(visible, default=0)
    lines = []
    for label, value in items:
        if isinstance(value, int) and largest > 0:
            length = max(1, round(BAR_WIDTH * value / largest)) if value > 0 else 0
            bar = BAR * length
        else:
            bar = ""
        lines.append(f"{bar} {escape(str(value))} · {escape(label)}".lstrip())
    return lines


def _column_totals(data: ExportData, key: str) -> list[tuple[str, Shown]]:
    table = data.table(key)
    if table is None or table.values.column_totals is None or table.is_empty:
        return []
    return list(zip(table.column_labels, table.values.column_totals, strict=True))


def summary_text(data: ExportData) -> str:
    """The report in a few lines for a phone, by the same suppression rules as the files."""
    _ = data.labels._
    lines = [
        bold(_("Feedback report")),
        escape(_("Period: %(period)s") % {"period": f"{data.period_words} ({data.period})"}),
        escape(_("Municipalities: %(scope)s") % {"scope": data.scope_words}),
        escape(_("Submissions: %(count)s") % {"count": data.submission_count}),
    ]
    for title, items in (
        (_("How it went"), _column_totals(data, "services")),
        (_("Treated with respect"), _column_totals(data, "respect")),
    ):
        if items:
            lines += ["", bold(title), *bar_chart(items)]
    if data.trend is not None:
        changes = [
            f"{escape(r.service)}: {escape(r.before)} → {escape(r.now)} ({escape(r.change)})"
            for r in data.trend.rows
            if r.change != "–"
        ]
        if changes:
            lines += ["", bold(_("Good ratings, this period against the previous")), *changes]
    open_comments = [c for c in data.comments if not c.handled]
    lines += [
        "",
        escape(
            _("Comments: %(count)s, not handled: %(open)s, needing translation: %(translate)s")
            % {
                "count": len(data.comments),
                "open": len(open_comments),
                "translate": sum(1 for c in open_comments if c.needs_translation),
            }
        ),
        "",
        escape(
            _(
                "%(small)s means fewer than %(threshold)s; x means hidden so that it cannot be "
                "worked out."
            )
            % {"small": f"<{data.threshold}", "threshold": data.threshold}
        ),
    ]
    return "\n".join(lines)


def log_text(t: Translator, lines: Sequence[str]) -> str:
    return "\n".join([bold(t._("Export log")), *(escape(line) for line in lines)])
