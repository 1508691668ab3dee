"""What the bot shows: screens (HTML text plus buttons) built from content and UI strings.

Plain functions without Telegram types, so every screen is unit-tested without a bot; the
handlers turn a Screen into Telegram calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.content.model import (
    LANGUAGES,
    REFERENCE_LANGUAGE,
    Lang,
    Library,
    Place,
    Topic,
    Verification,
)
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.ui import callbacks as cb
from bot.ui.render import bold, escape, italic, link, pack


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    data: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Screen:
    """One or more messages; the keyboard belongs to the last one."""

    messages: tuple[str, ...]
    keyboard: Keyboard = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return self.messages[-1]


def button(text: str, action: cb.Action) -> Button:
    return Button(text, cb.encode(action))


SECTION_TITLES: dict[str, str] = {
    "rights": N_("Your rights"),
    "school": N_("School and preschool"),
    "social": N_("Social services and help"),
    "places": N_("Meeting places and culture"),
}


def _menu_row(t: Translator) -> tuple[Button, ...]:
    return (button("☰ " + t._("Menu"), cb.MainMenu()),)


# --- greeting and language ----------------------------------------------------------------------


def language_order(telegram_language: str | None) -> tuple[Lang, ...]:
    """Telegram's client language may put a language first; it never chooses for the user."""
    preferred = (telegram_language or "").split("-")[0].lower()
    first = [lang for lang in LANGUAGES if lang == preferred]
    return (*first, *(lang for lang in LANGUAGES if lang not in first))


def greeting(translators: dict[Lang, Translator], telegram_language: str | None) -> Screen:
    order = language_order(telegram_language)
    lines = [escape(translators[lang]._("Hello! Choose your language.")) for lang in order]
    keyboard = tuple((button(LANGUAGE_NAMES[lang], cb.ChooseLanguage(lang)),) for lang in order)
    return Screen(("\n".join(lines),), keyboard)


# --- menus --------------------------------------------------------------------------------------


def main_menu(t: Translator, hint: str | None = None, extra: Keyboard = ()) -> Screen:
    """`extra`: rows above the feedback button (e.g. "ask a bridge-builder", when reachable)."""
    text = bold(t._("Main menu")) + "\n" + escape(t._("What do you want to know about?"))
    if hint:
        text = escape(hint) + "\n\n" + text
    sections = [button(t._(title), cb.OpenSection(sid)) for sid, title in SECTION_TITLES.items()]
    keyboard = (
        (sections[0], sections[1]),
        (sections[2], sections[3]),
        *extra,
        (button("✍ " + t._("Give feedback"), cb.StartFeedback()),),
        (button("🌐 " + t._("Change language"), cb.ShowLanguages()),),
    )
    return Screen((text,), keyboard)


def section_menu(t: Translator, library: Library, section_id: str, lang: Lang) -> Screen:
    section = library.section(section_id)
    text = bold(t._(SECTION_TITLES[section_id])) + "\n" + escape(t._("Choose a topic."))
    rows: list[tuple[Button, ...]] = [
        (button(library.topic(lang, tid).title, cb.OpenTopic(tid)),) for tid in section.topic_ids
    ]
    rows.append(_menu_row(t))
    return Screen((text,), tuple(rows))


def municipality_chooser(
    t: Translator, library: Library, offered: Sequence[str], then_topic: str | None
) -> Screen:
    text = escape(t._("Which municipality do you live in? Then I can show local places."))
    rows: list[tuple[Button, ...]] = [
        (button(m.name, cb.ChooseMunicipality(m.id, then_topic)),)
        for m in library.municipalities
        if m.id in offered
    ]
    rows.append(_menu_row(t))
    return Screen((text,), tuple(rows))


# --- topics -------------------------------------------------------------------------------------


def topic_screen(
    t: Translator,
    library: Library,
    topic_id: str,
    *,
    ui_lang: Lang,
    content_lang: Lang | None = None,
    municipality: str | None = None,
    can_change_municipality: bool = False,
    extra: Keyboard = (),
) -> Screen:
    """A topic's text in `content_lang` (default: the user's); buttons in the user's language.

    `extra`: rows on top of the keyboard (the bridge-builders topic offers to ask one)."""
    shown_lang = content_lang or ui_lang
    topic = library.topic(shown_lang, topic_id)
    blocks = [bold(topic.title)]
    notice = _notice(t, topic, shown_lang)
    if notice:
        blocks.append(italic(notice))
    blocks.append(escape(topic.summary))
    blocks.extend(_section_blocks(topic))
    blocks.append(
        bold(t._("What to do next"))
        + "\n"
        + "\n".join(f"• {escape(step)}" for step in topic.next_steps)
    )
    if topic.contacts:
        blocks.append(_contacts_block(t, topic))
    if topic_id in library.local_topics:
        blocks.append(_places_block(t, library, topic_id, shown_lang, municipality))
    blocks.append(_sources_block(t, topic))
    keyboard = _topic_keyboard(t, library, topic, ui_lang, shown_lang)
    if can_change_municipality and topic_id in library.local_topics:
        change = button("📍 " + t._("Change municipality"), cb.AskMunicipality(topic_id))
        keyboard = ((change,), *keyboard)
    return Screen(tuple(pack(blocks)), (*extra, *keyboard))


def _did_you_mean(
    t: Translator, library: Library, lang: Lang, topic_ids: Sequence[str]
) -> Keyboard:
    return tuple(
        (
            button(
                "❓ " + t._("Did you mean: %(title)s") % {"title": library.topic(lang, tid).title},
                cb.OpenTopic(tid),
            ),
        )
        for tid in topic_ids
    )


# --- answers to typed questions -----------------------------------------------------------------


def topic_preview(
    t: Translator,
    library: Library,
    topic_id: str,
    *,
    ui_lang: Lang,
    alternatives: Sequence[str] = (),
) -> Screen:
    """The short answer to a typed question: title and summary, one tap from the whole topic.

    A phone screen shows it at once, and a wrong guess costs the reader little.
    """
    topic = library.topic(ui_lang, topic_id)
    blocks = [bold(topic.title)]
    notice = _notice(t, topic, ui_lang)
    if notice:
        blocks.append(italic(notice))
    blocks.append(escape(topic.summary))
    rows: list[tuple[Button, ...]] = [
        (button("📖 " + t._("Read more"), cb.OpenTopic(topic_id)),),
        *_did_you_mean(t, library, ui_lang, alternatives),
        _menu_row(t),
    ]
    return Screen(tuple(pack(blocks)), tuple(rows))


def search_choices(t: Translator, library: Library, lang: Lang, topic_ids: Sequence[str]) -> Screen:
    text = escape(t._("I found several topics. Which one do you mean?"))
    rows: list[tuple[Button, ...]] = [
        (button(library.topic(lang, tid).title, cb.OpenTopic(tid)),) for tid in topic_ids
    ]
    rows.append(_menu_row(t))
    return Screen((text,), tuple(rows))


def small_talk(t: Translator, kind: str) -> Screen:
    reply = t._("You are welcome!") if kind == "thanks" else t._("Hello!")
    return main_menu(t, hint=reply + " " + t._("Choose a topic or write your question."))


def search_miss(t: Translator, token: str, extra: Keyboard = ()) -> Screen:
    hint = t._("Sorry, I did not find an answer to that. Try other words, or choose from the menu.")
    menu = main_menu(t, hint=hint)
    offer = button(
        "📨 " + t._("Send the question to the editors (anonymous)"), cb.SubmitQuestion(token)
    )
    return Screen(menu.messages, (*extra, (offer,), *menu.keyboard))


def question_sent(t: Translator, saved: bool) -> Screen:
    text = (
        t._(
            "Thank you. The question was saved without your name or number. Editors use such "
            "questions to improve the bot."
        )
        if saved
        else t._("There was nothing left to send after removing personal details.")
    )
    return Screen((escape(text),), (_menu_row(t),))


def _notice(t: Translator, topic: Topic, shown_lang: Lang) -> str | None:
    if topic.is_fallback and shown_lang != REFERENCE_LANGUAGE:
        return t._("This topic is not translated yet. Here is the Swedish text.")
    if topic.review == "reviewed":
        return None
    if shown_lang != REFERENCE_LANGUAGE:
        return t._("This translation has not yet been checked by a native speaker.")
    # Swedish is the reference, yet a draft too until a domain expert has reviewed it.
    return t._("This text has not yet been checked by an expert.")


def _section_blocks(topic: Topic) -> list[str]:
    blocks = []
    for section in topic.sections:
        lines = [bold(section.heading)]
        if section.text:
            lines.append(escape(section.text))
        lines.extend(f"{n}. {escape(step)}" for n, step in enumerate(section.steps, start=1))
        lines.extend(f"• {escape(item)}" for item in section.bullets)
        blocks.append("\n".join(lines))
    return blocks


def _contacts_block(t: Translator, topic: Topic) -> str:
    lines = [bold(t._("Contacts"))]
    for contact in topic.contacts:
        parts = [escape(contact.name)]
        if contact.phone:
            parts.append(escape(contact.phone))
        if contact.url:
            parts.append(escape(contact.url))
        line = " – ".join(parts)
        if contact.note:
            line += f"\n  {escape(contact.note)}"
        lines.append(line)
    return "\n".join(lines)


def _places_block(
    t: Translator, library: Library, topic_id: str, lang: Lang, municipality: str | None
) -> str:
    places = library.places_for(topic_id, municipality)
    found = library.municipality(municipality) if municipality else None
    heading = bold(t._("Near you") + (f": {found.name}" if found else ""))
    if not places:
        return (
            heading
            + "\n"
            + escape(t._("No local places are listed here yet. Ask your municipality."))
        )
    return heading + "\n\n" + "\n\n".join(_place_lines(t, place, lang) for place in places)


def _place_lines(t: Translator, place: Place, lang: Lang) -> str:
    lines = [bold(place.name), escape(place.describe(lang))]
    for value in (place.address, place.opening_hours, place.phone, place.url):
        if value:
            lines.append(escape(value))
    if place.languages:
        lines.append(escape(t._("Languages:") + " " + ", ".join(place.languages)))
    return "\n".join(lines)


def _sources_block(t: Translator, topic: Topic) -> str:
    """Official sources as links, with what was verified and when; no date where none is known.

    Sources verified on an unknown day come first, without a date. Then each verification note
    ("läst i sparad kopia 3 december 2026") is written once, above the sources it applies to:
    one note per source would push long topics over Telegram's message limit.
    """
    notes = [_verified_note(t, source.verified) for source in topic.sources]
    lines = [bold(t._("Sources"))]
    lines.extend(
        "• " + link(source.title, source.url)
        for source, note in zip(topic.sources, notes, strict=True)
        if note is None
    )
    for group in dict.fromkeys(note for note in notes if note is not None):
        lines.append(escape(group) + ":")
        lines.extend(
            "• " + link(source.title, source.url)
            for source, note in zip(topic.sources, notes, strict=True)
            if note == group
        )
    return "\n".join(lines)


def _verified_note(t: Translator, verified: Verification) -> str | None:
    if not verified.dated or verified.date is None:
        return None
    if verified.how == "page":
        return t._("checked %(date)s") % {"date": t.date(verified.date)}
    return t._("stored copy read %(date)s") % {"date": t.date(verified.date)}


def _topic_keyboard(
    t: Translator, library: Library, topic: Topic, ui_lang: Lang, shown_lang: Lang
) -> Keyboard:
    rows: list[tuple[Button, ...]] = []
    for related in topic.related[:3]:
        if library.resolve_id(related):
            title = library.topic(ui_lang, related).title
            rows.append((button("→ " + title, cb.OpenTopic(related)),))
    if ui_lang != REFERENCE_LANGUAGE:
        if shown_lang == REFERENCE_LANGUAGE:
            label = t._("Back to %(language)s") % {"language": LANGUAGE_NAMES[ui_lang]}
            rows.append((button("🌐 " + label, cb.OpenTopic(topic.id)),))
        elif not topic.is_fallback:
            rows.append((button("🇸🇪 " + t._("Show in Swedish"), cb.OpenTopic(topic.id, "sv")),))
    section = library.section_of(topic.id)
    rows.append(
        (
            button("« " + t._(SECTION_TITLES[section.id]), cb.OpenSection(section.id)),
            *_menu_row(t),
        )
    )
    return tuple(rows)


# --- information commands -----------------------------------------------------------------------


def help_screen(t: Translator) -> Screen:
    lines = [
        bold(t._("How to use this bot")),
        escape(t._("Tap the buttons, or write a question in your own words.")),
        "",
        "/menu – " + escape(t._("the main menu")),
        "/language – " + escape(t._("change language")),
        "/feedback – " + escape(t._("tell us anonymously how a service worked for you")),
        "/privacy – " + escape(t._("what is stored about you")),
        "/forget – " + escape(t._("delete everything stored about you")),
    ]
    return Screen(("\n".join(lines),), (_menu_row(t),))


def privacy_screen(
    t: Translator, ttl_days: int, retention_months: int, case_days: int | None = None
) -> Screen:
    """`case_days`: questions to bridge-builders are offered and close after these days."""
    lines = [
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
                "Anonymous counts: how often each topic is read per week, and how many people "
                "came through each poster link per day. Nothing in them points to you."
            )
        ),
        "• "
        + escape(
            t._(
                "Feedback, only if you send it: without any id, only the week, and with names, "
                "numbers and addresses removed. The text is deleted after %(months)s months."
            )
            % {"months": retention_months}
        ),
        *_case_lines(t, case_days),
        "",
        bold(t._("Who can see it")),
        escape(
            t._(
                "Municipality staff see feedback without any id: comments with names and numbers "
                "removed, and summaries where groups smaller than five are hidden, so nobody can "
                "tell who answered."
            )
        ),
        escape(
            t._(
                "Your messages pass through Telegram's servers, as in every Telegram chat. If you "
                "want to talk without Telegram, contact a bridge-builder or your municipality."
            )
        ),
    ]
    keyboard = ((button("🗑 " + t._("Delete my data"), cb.Forget(confirmed=True)),), _menu_row(t))
    return Screen(("\n".join(lines),), keyboard)


def _case_lines(t: Translator, case_days: int | None) -> list[str]:
    """With questions to bridge-builders, the chat link they need is stored: say so exactly."""
    if case_days is None:
        not_stored = t._(
            "Your name, username, Telegram id, phone number and the messages you write are "
            "never saved."
        )
        return ["", bold(t._("What is not stored")), escape(not_stored)]
    case = t._(
        "A question to bridge-builders, only if you send one: the bot keeps the number of this "
        "chat encrypted so that the answer reaches you, and deletes it when the question closes "
        "(after at most %(days)s days without messages, or at once with /forget). The bot does "
        "not store the question; it is in the bridge-builders' Telegram group."
    ) % {"days": case_days}
    not_stored = t._(
        "Your name, username, phone number and the messages you write are never saved by the "
        "bot, and your Telegram id only as the encrypted chat number above."
    )
    return ["• " + escape(case), "", bold(t._("What is not stored")), escape(not_stored)]


def forgotten_screen(t: Translator, had_data: bool) -> Screen:
    text = (
        t._("Done. Everything stored about you has been deleted.")
        if had_data
        else t._("Nothing was stored about you. There was nothing to delete.")
    )
    note = t._("Anonymous feedback and counts cannot be linked to you, so they stay.")
    return Screen((escape(text) + "\n" + escape(note),), ())


def only_text_screen(t: Translator) -> Screen:
    return Screen(
        (escape(t._("I can only read text messages. Please write or use the menu.")),),
        (_menu_row(t),),
    )


def stale_button_screen(t: Translator) -> Screen:
    return main_menu(t, hint=t._("That button is no longer valid. Here is the menu."))
