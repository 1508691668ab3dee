"""What the bot says about privacy: /privacy, the bot's description, the first-contact card,
/forget and its "clear this chat", and the question-for-the-editors confirmation.

Every sentence about what staff see is written from `bot.privacy.claims`, which a test holds
against the export (tests/privacy/test_claims.py). Telegram-free, like the rest of bot/ui.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.model import Lang
from bot.i18n import N_, Translator
from bot.privacy import claims
from bot.ui import callbacks as cb
from bot.ui.render import bold, escape, italic
from bot.ui.screens import Button, Screen, button, main_menu, question_sent

#: Telegram's limits for setMyDescription and setMyShortDescription.
DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120
#: The default description (no language_code) is what Romani readers see: all three languages.
DEFAULT_DESCRIPTION_ORDER: tuple[Lang, ...] = ("rom", "sv", "fi")

#: How /privacy names each field staff see next to each feedback submission (`claims`).
FEEDBACK_FIELD_LABELS: dict[str, str] = {
    "month": N_("the month and the week (never the day or the time)"),
    "week": N_("the month and the week (never the day or the time)"),
    "lang": N_("the language you used"),
    "service": N_("the service you gave feedback on"),
    "rating": N_("your answers to the questions"),
    "respect": N_("your answers to the questions"),
    "comment": N_("your comment, exactly as you saw it before sending"),
    "municipality": N_("the municipality you chose"),
    "age_band": N_("the age group you chose"),
}


def operator_or_default(t: Translator, operator: str) -> str:
    return operator or t._("the organisation that published this bot's link")


def _runs(t: Translator, operator: str) -> str:
    sentence = t._("%(operator)s runs this bot.") % {"operator": operator_or_default(t, operator)}
    # The default operator phrase starts in lower case; a sentence does not.
    return sentence[:1].upper() + sentence[1:]


# --- the bot's description (setMyDescription / setMyShortDescription) ---------------------------


def description(t: Translator, operator: str, ttl_days: int, retention_months: int) -> str:
    """The long description for one language (what an empty chat shows), at most 512."""
    text = " ".join(
        [
            _runs(t, operator),
            t._("It tells you about your rights and where to get help in Sweden."),
            t._("You never need to give your name."),
            t._(
                "It keeps only your choice of language and municipality (deleted after "
                "%(days)s days without use, or at once with /forget) and the feedback or "
                "questions you choose to send, without your name or id (text deleted after "
                "%(months)s months)."
            )
            % {"days": ttl_days, "months": retention_months},
            t._("More: /privacy"),
        ]
    )
    return text if len(text) <= DESCRIPTION_LIMIT else compact_description(t, operator, ttl_days)


def compact_description(t: Translator, operator: str, ttl_days: int) -> str:
    return " ".join(
        [
            _runs(t, operator),
            t._("No name needed."),
            t._(
                "It keeps only your language choice (%(days)s days) and feedback you send, "
                "without your name."
            )
            % {"days": ttl_days},
            "/privacy",
        ]
    )


def default_description(translators: dict[Lang, Translator], operator: str, ttl_days: int) -> str:
    """All three languages within 512 characters; languages are dropped from the end if a long
    operator name leaves no room (Romani first: the default is what Romani readers see)."""
    parts = [
        compact_description(translators[lang], operator, ttl_days)
        for lang in DEFAULT_DESCRIPTION_ORDER
    ]
    while len(parts) > 1 and len("\n\n".join(parts)) > DESCRIPTION_LIMIT:
        parts.pop()
    return "\n\n".join(parts)[:DESCRIPTION_LIMIT]


def short_description(t: Translator, operator: str) -> str:
    """The profile's short description for one language, at most 120."""
    text = f"{_runs(t, operator)} {t._('No name needed.')} /privacy"
    if len(text) > SHORT_DESCRIPTION_LIMIT:
        text = f"{t._('No name needed.')} /privacy"
    return text


def default_short_description(translators: dict[Lang, Translator], operator: str) -> str:
    no_name = " · ".join(
        translators[lang]._("No name needed.") for lang in DEFAULT_DESCRIPTION_ORDER
    )
    for text in (f"{operator} · {no_name}" if operator else no_name, no_name):
        if len(text) <= SHORT_DESCRIPTION_LIMIT:
            return text
    return no_name[:SHORT_DESCRIPTION_LIMIT]


# --- the first-contact card ---------------------------------------------------------------------


def card_line(t: Translator, operator: str) -> str:
    """One line: who runs the bot, no name needed, /privacy (a tap on it opens the screen)."""
    return escape(f"ℹ️ {_runs(t, operator)} {t._('No name needed.')} ") + "/privacy"


def greeting_card(translators: dict[Lang, Translator], order: Sequence[Lang], operator: str) -> str:
    """Three lines at most: one per language, above the first greeting."""
    return "\n".join(card_line(translators[lang], operator) for lang in order[:3])


def link_card(t: Translator, operator: str) -> str:
    """Two lines in the link's language, above the topic a deep link opens the first time."""
    keeps = t._("It keeps only your language choice and feedback you choose to send.")
    return card_line(t, operator) + "\n" + escape(keeps)


def card_button(t: Translator) -> Button:
    """The card as one button, where a topic has no room for its text: one tap to /privacy."""
    text = f"ℹ️ {t._('Who runs this bot')} · {t._('No name needed.')}"
    return button(text, cb.ShowPrivacy())


def with_card(screen: Screen, card: str, limit: int = 4096) -> tuple[Screen, str | None]:
    """The card above the screen's first message, or else below the first message with room.
    Returns the screen and, if no message had room, the card to send after it on its own (the
    keyboard stays on the screen's last message)."""
    from bot.ui.render import visible_len

    messages = list(screen.messages)
    room = visible_len(card) + 2
    if room + visible_len(messages[0]) <= limit:
        messages[0] = card + "\n\n" + messages[0]
        return Screen(tuple(messages), screen.keyboard), None
    for index, text in enumerate(messages):
        if room + visible_len(text) <= limit:
            messages[index] = text + "\n\n" + card
            return Screen(tuple(messages), screen.keyboard), None
    return screen, card


# --- /privacy -----------------------------------------------------------------------------------


def staff_see_summary(t: Translator) -> str:
    """The same as `staff_see_lines`, for feedback only, in one paragraph (the thank-you)."""
    labels: list[str] = []
    for name in claims.FEEDBACK_ROW:
        label = t._(FEEDBACK_FIELD_LABELS[name])
        if label not in labels:
            labels.append(label)
    text = (
        t._("For each feedback you send, municipality staff see:") + " " + "; ".join(labels) + "."
    )
    if claims.FEEDBACK_AGGREGATE_ONLY:
        grouped = ", ".join(t._(FEEDBACK_FIELD_LABELS[n]) for n in claims.FEEDBACK_AGGREGATE_ONLY)
        text += " " + t._(
            "Only in totals, where groups smaller than five are hidden: %(answers)s."
        ) % {"answers": grouped}
    return text


def staff_see_lines(t: Translator) -> list[str]:
    """What staff see, from `claims`: a bullet per field of the export's rows."""
    lines = [escape(t._("For each feedback you send, municipality staff see:"))]
    labels: list[str] = []
    for name in claims.FEEDBACK_ROW:
        label = t._(FEEDBACK_FIELD_LABELS[name])
        if label not in labels:
            labels.append(label)
    lines += ["• " + escape(label) for label in labels]
    if claims.FEEDBACK_AGGREGATE_ONLY:
        grouped = ", ".join(t._(FEEDBACK_FIELD_LABELS[n]) for n in claims.FEEDBACK_AGGREGATE_ONLY)
        lines.append(
            escape(
                t._("Only in totals, where groups smaller than five are hidden: %(answers)s.")
                % {"answers": grouped}
            )
        )
    lines.append(
        escape(
            t._(
                "For each question you send to the editors: the text you confirmed and its "
                "language, counted together with the same question from others."
            )
        )
    )
    lines.append(
        escape(t._("Nobody sees who sent what: there is no name or id next to it to see."))
    )
    return lines


def privacy_screen(
    t: Translator,
    ttl_days: int,
    retention_months: int,
    operator: str = "",
    *,
    case_days: int | None = None,
) -> Screen:
    """`case_days`: questions to bridge-builders are offered and close after these days."""
    lines = [
        bold(t._("Who runs this bot")),
        escape(_runs(t, operator) + " " + t._("You never need to give your name.")),
        "",
        bold(t._("What is stored about you")),
        "• "
        + escape(
            t._(
                "Your choice of language and municipality. It is stored under a code made from "
                "your Telegram account with a secret key, not under your name, number or id. "
                "It is deleted after %(days)s days without use, or at once with /forget."
            )
            % {"days": ttl_days}
        ),
        "• "
        + escape(
            t._(
                "Anonymous counts: how often each topic is read per week and how many found it "
                "helpful or not, how often each poster link is opened per day (for registered "
                "posters also how many different people per week), and how many questions found "
                "no answer. Nothing in them points to you."
            )
        ),
        "• "
        + escape(
            t._(
                "Feedback and questions for the editors, only if you send them: you see exactly "
                "what will be saved and confirm it first. They are saved without any id, with "
                "only the week. The text is deleted after %(months)s months."
            )
            % {"months": retention_months}
        ),
        "",
        bold(t._("What is removed from what you write")),
        escape(
            t._(
                "Personal identity numbers, phone numbers, e-mail and street addresses, "
                "@usernames and links, and the names the bot recognises. It does not recognise "
                "every name: please write no names."
            )
        ),
        *_case_lines(t, case_days),
        "",
        bold(t._("Who can see it")),
        *staff_see_lines(t),
        escape(
            t._(
                "Your messages pass through Telegram's servers, as in every Telegram chat. If you "
                "want to talk without Telegram, contact a bridge-builder or your municipality."
            )
        ),
        "",
        bold(t._("Deleting")),
        escape(
            t._(
                "/forget deletes your choices at once and offers to clear the bot's recent "
                "messages in this chat. To remove the whole chat from your phone, open the chat's "
                "menu in Telegram and choose Delete chat."
            )
        ),
    ]
    keyboard = ((button("🗑 " + t._("Delete my data"), cb.Forget(confirmed=True)),), _menu_row(t))
    return Screen(("\n".join(lines),), keyboard)


def _case_lines(t: Translator, case_days: int | None) -> list[str]:
    """With questions to bridge-builders, the chat link they need is stored: say so exactly."""
    if case_days is None:
        not_stored = t._(
            "Your name, username, Telegram id and phone number are never saved. What you "
            "type is not saved either, except the feedback and questions you confirm."
        )
        return ["", bold(t._("What is not stored")), escape(not_stored)]
    case = t._(
        "A question to bridge-builders, only if you send one: the bot keeps the number of this "
        "chat encrypted so that the answer reaches you, and deletes it when the question closes "
        "(after at most %(days)s days without messages, or at once with /forget). The bot does "
        "not store the question; it is in the bridge-builders' Telegram group."
    ) % {"days": case_days}
    not_stored = t._(
        "Your name, username and phone number are never saved. What you type is not saved "
        "either, except the feedback and questions you confirm. Your Telegram id is saved only "
        "as the encrypted chat number above."
    )
    return ["• " + escape(case), "", bold(t._("What is not stored")), escape(not_stored)]


def _menu_row(t: Translator) -> tuple[Button, ...]:
    return (button("☰ " + t._("Menu"), cb.MainMenu()),)


# --- /forget ------------------------------------------------------------------------------------


def forgotten_screen(t: Translator, had_data: bool, clear_token: str | None = None) -> Screen:
    text = (
        t._("Done. Everything stored about you has been deleted.")
        if had_data
        else t._("Nothing was stored about you. There was nothing to delete.")
    )
    note = t._("Anonymous feedback and counts cannot be linked to you, so they stay.")
    lines = [escape(text), escape(note)]
    keyboard: tuple[tuple[Button, ...], ...] = ()
    if clear_token is not None:
        lines.append(
            escape(
                t._(
                    "The messages in this chat are still on your phone. I can delete the ones "
                    "from the last two days, yours and mine."
                )
            )
        )
        keyboard = ((button("🧹 " + t._("Clear this chat"), cb.ClearChat(clear_token)),),)
    lines.append(escape(_whole_chat(t)))
    return Screen(("\n".join(lines),), keyboard)


def _whole_chat(t: Translator) -> str:
    return t._(
        "To remove the whole chat from your phone, open the chat's menu in Telegram and choose "
        "Delete chat."
    )


def cleared_screen(t: Translator, deleted: int) -> Screen:
    text = t._("I deleted %(count)s messages from this chat.") % {"count": deleted}
    stays = t._(
        "Older messages, and anything you forwarded or saved elsewhere, stay on your phone."
    )
    return Screen((escape(text) + "\n" + escape(stays) + "\n" + escape(_whole_chat(t)),), ())


# --- questions for the editors -------------------------------------------------------------------


def question_confirm(t: Translator, scrubbed: str, token: str) -> Screen:
    """The question as it would be saved, before anything is saved (review F4, F5)."""
    lines = [
        bold(t._("This is exactly what will be saved:")),
        italic(scrubbed),
        "",
        escape(
            t._(
                "Saved without your name or id, with only the week. Editors use such questions "
                "to improve the bot. Nobody can answer you."
            )
        ),
    ]
    keyboard = (
        (
            button("✅ " + t._("Send"), cb.SubmitQuestion(token, "send")),
            button("✖ " + t._("Cancel"), cb.SubmitQuestion(token, "cancel")),
        ),
    )
    return Screen(("\n".join(lines),), keyboard)


def question_saved(t: Translator, saved: bool, deleted: bool) -> Screen:
    screen = question_sent(t, saved)
    if not (saved and deleted):
        return screen
    note = escape(t._("I deleted your message and my copy of it from this chat."))
    return Screen((screen.text + "\n" + note,), screen.keyboard)


def question_cancelled(t: Translator) -> Screen:
    return main_menu(t, hint=t._("Cancelled. Nothing was saved."))


def feedback_traces_note(t: Translator) -> str:
    return t._("I deleted your comment and my copy of it from this chat.")
