"""Screens and button codec for anonymous questions to bridge-builders (bot/cases).

Resident screens speak the resident's language; the posts in the bridge-builder group and the
notes to bridge-builders are Swedish (staff-facing), all from the catalogs. Callback data starts
with "cs:" and is parsed against an allow-list like bot/ui/callbacks.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.content.model import Lang, Library
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.ui import callbacks as cb
from bot.ui.render import bold, escape
from bot.ui.screens import Button, Screen, button

PREFIX = "cs:"
_TOKEN = re.compile(r"[0-9a-f]{8}")
_NUMBER = re.compile(r"[1-9][0-9]{0,9}")
_MUNICIPALITY = re.compile(r"[a-z0-9-]{1,40}")


@dataclass(frozen=True, slots=True)
class Ask:
    """Start a question; with a token, the pending unanswered question is the text."""

    token: str | None = None


@dataclass(frozen=True, slots=True)
class ForMunicipality:
    municipality_id: str


@dataclass(frozen=True, slots=True)
class Send:
    scrubbed: bool


@dataclass(frozen=True, slots=True)
class Cancel:
    pass


@dataclass(frozen=True, slots=True)
class Reply:
    number: int


@dataclass(frozen=True, slots=True)
class Close:
    number: int


CaseAction = Ask | ForMunicipality | Send | Cancel | Reply | Close


def encode(action: CaseAction) -> str:
    match action:
        case Ask(None):
            data = "ask"
        case Ask(token):
            data = f"ask:{token}"
        case ForMunicipality(municipality_id):
            data = f"mun:{municipality_id}"
        case Send(scrubbed):
            data = "send:clean" if scrubbed else "send:raw"
        case Cancel():
            data = "cancel"
        case Reply(number):
            data = f"reply:{number}"
        case Close(number):
            data = f"close:{number}"
    data = PREFIX + data
    if len(data.encode()) > cb.MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {cb.MAX_CALLBACK_BYTES} bytes: {data}")
    return data


def decode(data: object) -> CaseAction | None:
    """The action, or None for anything unknown or forged; ownership is checked by the caller."""
    if not isinstance(data, str) or not data.startswith(PREFIX) or len(data) > 64:
        return None
    parts = data.removeprefix(PREFIX).split(":")
    match parts:
        case ["ask"]:
            return Ask()
        case ["ask", token] if _TOKEN.fullmatch(token):
            return Ask(token)
        case ["mun", municipality_id] if _MUNICIPALITY.fullmatch(municipality_id):
            return ForMunicipality(municipality_id)
        case ["send", "clean" | "raw" as how]:
            return Send(how == "clean")
        case ["cancel"]:
            return Cancel()
        case ["reply", number] if _NUMBER.fullmatch(number):
            return Reply(int(number))
        case ["close", number] if _NUMBER.fullmatch(number):
            return Close(int(number))
    return None


def case_button(text: str, action: CaseAction) -> Button:
    return Button(text, encode(action))


def ask_button(t: Translator, token: str | None = None) -> Button:
    return case_button("🤝 " + t._("Ask a bridge-builder (anonymous)"), Ask(token))


def _menu_row(t: Translator) -> tuple[Button, ...]:
    return (button("☰ " + t._("Menu"), cb.MainMenu()),)


def _cancel_row(t: Translator) -> tuple[Button, ...]:
    return (case_button("✖ " + t._("Cancel"), Cancel()),)


# --- resident screens ---------------------------------------------------------------------------


def choose_municipality(t: Translator, library: Library, offered: Sequence[str]) -> Screen:
    text = escape(t._("Which municipality's bridge-builders should get your question?"))
    rows = [
        (case_button(m.name, ForMunicipality(m.id)),)
        for m in library.municipalities
        if m.id in offered
    ]
    return Screen((text,), (*rows, _cancel_row(t)))


def intro(t: Translator, municipality: str, days: int, *, has_text: bool) -> Screen:
    """Who reads it, that it is no emergency service, how long it stays open; before sending."""
    lines = [
        bold(t._("Ask a bridge-builder in %(municipality)s") % {"municipality": municipality}),
        escape(
            t._(
                "Your question goes to the bridge-builders of %(municipality)s in their Telegram "
                "group. They see the question, its language and the municipality, but not your "
                "name, username or number. The answer comes here, in this chat."
            )
            % {"municipality": municipality}
        ),
        escape(
            t._(
                "This is not an emergency service. In danger, call 112. Violence in a close "
                "relationship: Kvinnofridslinjen 020-50 50 50, free, day and night."
            )
        ),
        escape(
            t._(
                "The question stays open at most %(days)s days after the last message. You can "
                "close it earlier; /forget closes it at once."
            )
            % {"days": days}
        ),
        escape(
            t._(
                "While it is open, the bot keeps the number of this chat encrypted so that the "
                "answer reaches you. The bot does not store your question."
            )
        ),
        bold(t._("Do not write names, personnummer or addresses in the question.")),
    ]
    if not has_text:
        lines.append(escape(t._("Write your question now.")))
    return Screen(("\n\n".join(lines),), (_cancel_row(t),))


def preview(t: Translator, text: str, scrubbed: str | None) -> Screen:
    """The question as it will be sent; the scrubbed version is offered, never forced."""
    blocks = [bold(t._("Your question:")), f"<blockquote>{escape(text)}</blockquote>"]
    rows: list[tuple[Button, ...]] = [(case_button("📨 " + t._("Send"), Send(False)),)]
    if scrubbed is not None and scrubbed != text:
        blocks += [
            escape(t._("Without names, numbers and addresses it would read:")),
            f"<blockquote>{escape(scrubbed)}</blockquote>",
        ]
        rows = [
            (case_button("🧹 " + t._("Send without personal details"), Send(True)),),
            (case_button("📨 " + t._("Send as I wrote it"), Send(False)),),
        ]
    return Screen(("\n".join(blocks),), (*rows, _cancel_row(t)))


def _case_rows(t: Translator, number: int, *, reply: bool) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = []
    if reply:
        rows.append((case_button("↩ " + t._("Answer"), Reply(number)),))
    rows.append((case_button("✔ " + t._("Close the question"), Close(number)),))
    return (*rows, _menu_row(t))


def sent(t: Translator, number: int) -> Screen:
    text = t._("Sent as case %(number)s. A bridge-builder answers here, in this chat.") % {
        "number": number
    }
    return Screen((escape(text),), _case_rows(t, number, reply=False))


def answer(t: Translator, number: int, text: str) -> Screen:
    """A bridge-builder's text answer, marked as such."""
    head = "💬 " + t._("Answer from a bridge-builder (case %(number)s):") % {"number": number}
    return Screen((bold(head) + "\n\n" + escape(text),), _case_rows(t, number, reply=True))


def answer_header(t: Translator, number: int) -> str:
    """Above a copied answer (a photo, a file): who it comes from."""
    return bold("💬 " + t._("Answer from a bridge-builder (case %(number)s):") % {"number": number})


def write_reply(t: Translator, number: int) -> Screen:
    text = t._("Write your answer to case %(number)s.") % {"number": number}
    return Screen((escape(text),), (_cancel_row(t),))


def reply_sent(t: Translator, number: int) -> Screen:
    text = t._("Sent to the bridge-builders (case %(number)s).") % {"number": number}
    return Screen((escape(text),), _case_rows(t, number, reply=False))


def closed(t: Translator, number: int) -> Screen:
    text = t._("Case %(number)s is closed.") % {"number": number}
    return Screen((escape(text),), (_menu_row(t),))


def expired(t: Translator, number: int, days: int) -> Screen:
    text = t._("Case %(number)s was closed after %(days)s days without messages.") % {
        "number": number,
        "days": days,
    }
    return Screen((escape(text),), (_menu_row(t),))


def too_many(t: Translator) -> Screen:
    text = t._(
        "You have sent as many new questions as the bot takes in one day. You can still answer "
        "in your open questions, or try again tomorrow."
    )
    return Screen((escape(text),), (_menu_row(t),))


def unavailable(t: Translator) -> Screen:
    text = t._("The bridge-builders cannot be reached through the bot right now. Try again later.")
    return Screen((escape(text),), (_menu_row(t),))


# --- posts in the bridge-builder group (Swedish) ------------------------------------------------


def topic_name(t: Translator, number: int) -> str:
    return t._("Case %(number)s") % {"number": number}


def group_post(t: Translator, number: int, lang: Lang, municipality: str, text: str) -> str:
    """The case as bridge-builders see it: the text, the language, the municipality; no one."""
    return "\n".join(
        [
            bold(topic_name(t, number)),
            escape(t._("Language:") + " " + LANGUAGE_NAMES[lang]),
            escape(t._("Municipality:") + " " + municipality),
            "",
            escape(text),
            "",
            "<i>"
            + escape(
                t._(
                    "Reply to this message to answer. The bot passes your answer on; nobody "
                    "here can see who asked."
                )
            )
            + "</i>",
        ]
    )


def group_follow_up(t: Translator, number: int, text: str) -> str:
    head = t._("Case %(number)s – the person writes:") % {"number": number}
    return bold(head) + "\n\n" + escape(text)


def group_note(t: Translator, kind: str, number: int, days: int = 0) -> str:
    notes = {
        "delivered": t._("✓ Passed on (case %(number)s)."),
        "closed": t._("Case %(number)s is closed: this message was not passed on."),
        "closed_by_person": t._("Case %(number)s was closed by the person who asked."),
        "expired": t._("Case %(number)s was closed after %(days)s days without messages."),
        "gone": t._("Case %(number)s could not be delivered: the person has left the bot."),
    }
    return escape(notes[kind] % {"number": number, "days": days})
