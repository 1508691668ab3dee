"""What the bot shows: screens (HTML text plus buttons) built from content and UI strings.

Plain functions without Telegram types, so every screen is unit-tested without a bot; the
handlers turn a Screen into Telegram calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.content.model import LANGUAGES, Lang, Library, Pictograms
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.ui import callbacks as cb
from bot.ui.render import bold, escape


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


def menu_row(t: Translator) -> tuple[Button, ...]:
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


def main_menu(
    t: Translator,
    hint: str | None = None,
    extra: Keyboard = (),
    *,
    icons: Pictograms | None = None,
) -> Screen:
    """`extra`: rows above the feedback button (e.g. "ask a bridge-builder", when reachable)."""
    text = bold(t._("Main menu")) + "\n" + escape(t._("What do you want to know about?"))
    if hint:
        text = escape(hint) + "\n\n" + text
    icons = icons or Pictograms()
    sections = [
        button(icons.label(icons.section(sid), t._(title)), cb.OpenSection(sid))
        for sid, title in SECTION_TITLES.items()
    ]
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
    icons = library.pictograms
    title = icons.label(icons.section(section_id), t._(SECTION_TITLES[section_id]))
    text = bold(title) + "\n" + escape(t._("Choose a topic."))
    rows: list[tuple[Button, ...]] = [
        (button(icons.label(icons.topic(tid), library.topic(lang, tid).title), cb.OpenTopic(tid)),)
        for tid in section.topic_ids
    ]
    rows.append(menu_row(t))
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
    rows.append(menu_row(t))
    return Screen((text,), tuple(rows))


# --- answers to typed questions -----------------------------------------------------------------


def search_choices(t: Translator, library: Library, lang: Lang, topic_ids: Sequence[str]) -> Screen:
    # One plausible topic but too little evidence to open it: ask, and never say "several".
    text = escape(
        t._("I found several topics. Which one do you mean?")
        if len(topic_ids) > 1
        else t._("Is this what you are looking for?")
    )
    icons = library.pictograms
    rows: list[tuple[Button, ...]] = [
        (button(icons.label(icons.topic(tid), library.topic(lang, tid).title), cb.OpenTopic(tid)),)
        for tid in topic_ids
    ]
    rows.append(menu_row(t))
    return Screen((text,), tuple(rows))


def small_talk(t: Translator, kind: str, *, icons: Pictograms | None = None) -> Screen:
    reply = t._("You are welcome!") if kind == "thanks" else t._("Hello!")
    hint = reply + " " + t._("Choose a topic or write your question.")
    return main_menu(t, hint=hint, icons=icons)


def search_miss(
    t: Translator, token: str, extra: Keyboard = (), *, icons: Pictograms | None = None
) -> Screen:
    hint = t._("Sorry, I did not find an answer to that. Try other words, or choose from the menu.")
    menu = main_menu(t, hint=hint, icons=icons)
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
    return Screen((escape(text),), (menu_row(t),))


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
        "",
        escape(t._("You can also just write “menu”, “help”, “language” or “delete my data”.")),
    ]
    return Screen(("\n".join(lines),), (menu_row(t),))


#: The topic that points to people who help face to face (with letters, forms, authorities).
HELP_NEAR_YOU_TOPIC = "bridge-builders"


def media_screen(t: Translator, library: Library, *, photo: bool = False) -> Screen:
    """Voice, photos, stickers, files: never a dead end. Nothing received is kept.

    A photo is often of a letter the person cannot read: point to the people who help with that.
    """
    if photo:
        text = t._("I can only read text. Is it a letter? People near you can help you read it.")
        label = "📍 " + t._("Help with letters near you")
    else:
        text = t._("I can only read text. Tap a button or write a few words.")
        label = "📍 " + t._("People who can help you")
    rows: list[tuple[Button, ...]] = []
    if library.resolve_id(HELP_NEAR_YOU_TOPIC):
        icons = library.pictograms
        label = icons.label(icons.topic(HELP_NEAR_YOU_TOPIC), label.removeprefix("📍 "))
        rows.append((button(label, cb.OpenTopic(HELP_NEAR_YOU_TOPIC)),))
    rows.append(menu_row(t))
    return Screen((escape(text),), tuple(rows))


def stale_button_screen(t: Translator, *, icons: Pictograms | None = None) -> Screen:
    return main_menu(t, hint=t._("That button is no longer valid. Here is the menu."), icons=icons)


def stopped_screen(t: Translator, *, icons: Pictograms | None = None) -> Screen:
    return main_menu(t, hint=t._("OK, I stopped. The menu is here when you need it."), icons=icons)


def feedback_offer(t: Translator, *, icons: Pictograms | None = None) -> Screen:
    hint = t._("Tap “Give feedback” to answer a few short questions. It is anonymous.")
    return main_menu(t, hint=hint, icons=icons)
