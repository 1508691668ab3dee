"""A topic, answer first: the short answer on one phone screen, every other part one tap away.

Many readers read little and on a small shared phone: the first message holds the topic's
summary, the first thing to do and, for local topics, the places near the reader, in at most
about `FIRST_SCREEN_MAX` characters. Each other part (the remaining steps and contacts, each
section, all local places with their details, the sources) has a button under it; a tap shows
that part in the same message, so the buttons stay under the text the reader is looking at.
Telegram-free, like every screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.model import REFERENCE_LANGUAGE, Lang, Library, Place, Topic, Verification
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.ui import callbacks as cb
from bot.ui.render import bold, escape, italic, link, pack, visible_len
from bot.ui.screens import SECTION_TITLES, Button, Keyboard, Screen, button, menu_row

#: The first screen of a topic, in UTF-16 units as Telegram counts: about one phone screen.
FIRST_SCREEN_MAX = 700

#: Parts of a topic (callback codes): the short answer, what to do (all steps and contacts),
#: sections "s0".."s<n>", the local places in full, the sources.
ANSWER = "a"
STEPS = "n"
PLACES = "p"
SOURCES = "q"


def topic_parts(library: Library, topic: Topic) -> tuple[str, ...]:
    """The parts one tap away from the short answer, in reading order."""
    codes = [STEPS] if len(topic.next_steps) > 1 or topic.contacts else []
    codes += [f"s{index}" for index in range(len(topic.sections))]
    if topic.id in library.local_topics:
        codes.append(PLACES)
    if topic.sources:
        codes.append(SOURCES)
    return tuple(codes)


def topic_screen(
    t: Translator,
    library: Library,
    topic_id: str,
    *,
    ui_lang: Lang,
    content_lang: Lang | None = None,
    municipality: str | None = None,
    can_change_municipality: bool = False,
    part: str = ANSWER,
    has_audio: bool = False,
    alternatives: Sequence[str] = (),
    extra: Keyboard = (),
    card: str | None = None,
) -> Screen:
    """One part of a topic in `content_lang` (default: the user's); buttons in the user's language.

    `part` ANSWER (the default) is the first screen; an unknown part shows the first screen too.
    `extra`: rows on top of the keyboard (the bridge-builders topic offers to ask one).
    `card`: the first-contact card (bot/ui/privacy.py), packed above everything.
    """
    shown_lang = content_lang or ui_lang
    topic = library.topic(shown_lang, topic_id)
    available = topic_parts(library, topic)
    if part not in available:
        part = ANSWER
    if part == ANSWER:
        blocks = _answer_blocks(t, library, topic, shown_lang, municipality)
    else:
        blocks = [_title(library, topic), *_part_blocks(t, library, topic, part, municipality)]
    keyboard = _keyboard(
        t,
        library,
        topic,
        ui_lang=ui_lang,
        content_lang=content_lang,
        part=part,
        parts=available,
        can_change_municipality=can_change_municipality,
        has_audio=has_audio,
        alternatives=alternatives,
    )
    if card:
        blocks = [card, *blocks]
    return Screen(tuple(pack(blocks)), (*extra, *keyboard))


def first_screen_length(
    t: Translator, library: Library, topic: Topic, municipality: str | None = None
) -> int:
    """What a reader sees first of `topic` (UTF-16 units), as `check` reports it."""
    screen = topic_screen(t, library, topic.id, ui_lang=topic.lang, municipality=municipality)
    return visible_len(screen.messages[0])


def part_label(t: Translator, topic: Topic, part: str) -> str:
    if part == STEPS:
        return "✅ " + t._("What to do next")
    if part == PLACES:
        return "📍 " + t._("Places near you")
    if part == SOURCES:
        return "📚 " + t._("Sources")
    if part.startswith("s") and part[1:].isdigit() and int(part[1:]) < len(topic.sections):
        return "📖 " + topic.sections[int(part[1:])].heading
    return "⬆ " + t._("Short answer")


# --- the first screen ---------------------------------------------------------------------------


def _title(library: Library, topic: Topic) -> str:
    return bold(library.pictograms.label(library.pictograms.topic(topic.id), topic.title))


def _answer_blocks(
    t: Translator, library: Library, topic: Topic, lang: Lang, municipality: str | None
) -> list[str]:
    blocks = [_title(library, topic)]
    notice = _notice(t, topic, lang)
    if notice:
        blocks.append(italic(notice))
    blocks.append(escape(topic.summary))
    if topic.next_steps:
        blocks.append(bold(t._("What to do now")) + "\n👉 " + escape(topic.next_steps[0]))
    if topic.id in library.local_topics:
        used = visible_len("\n\n".join(blocks)) + 2
        blocks.append(_near_you(t, library, topic, municipality, FIRST_SCREEN_MAX - used))
    return blocks


def _near_you(
    t: Translator, library: Library, topic: Topic, municipality: str | None, room: int
) -> str:
    """The places near the reader in as much detail as fits `room`: name, phone, address and
    hours; then name and phone; then names only, and how many more are one tap away."""
    places = library.places_for(topic.id, municipality)
    found = library.municipality(municipality) if municipality else None
    heading = bold("📍 " + t._("Near you") + (f": {found.name}" if found else ""))
    if not places:
        return (
            heading
            + "\n"
            + escape(t._("No local places are listed here yet. Ask your municipality."))
        )
    for detail in (3, 1, 0):
        text = heading + "".join(_place_short(place, detail) for place in places)
        if visible_len(text) <= room:
            return text
    text = heading
    for shown, place in enumerate(places):
        more = t._("%(count)s more: tap “Places near you”.") % {"count": len(places) - shown}
        candidate = text + _place_short(place, 0)
        if visible_len(candidate + "\n" + more) > room:
            return text + "\n" + escape(more)
        text = candidate
    return text


def _place_short(place: Place, detail: int) -> str:
    facts = [value for value in (place.phone, place.address, place.opening_hours) if value]
    facts = facts[:detail]
    line = "\n• " + bold(place.name)
    return line + (" – " + escape(" · ".join(facts)) if facts else "")


def _notice(t: Translator, topic: Topic, shown_lang: Lang) -> str | None:
    if topic.is_fallback and shown_lang != REFERENCE_LANGUAGE:
        return t._("This topic is not translated yet. Here is the Swedish text.")
    if topic.review == "reviewed":
        return None
    if shown_lang != REFERENCE_LANGUAGE:
        return t._("This translation has not yet been checked by a native speaker.")
    # Swedish is the reference, yet a draft too until a domain expert has reviewed it.
    return t._("This text has not yet been checked by an expert.")


# --- the other parts ----------------------------------------------------------------------------


def _part_blocks(
    t: Translator, library: Library, topic: Topic, part: str, municipality: str | None
) -> list[str]:
    if part == STEPS:
        steps = (
            bold(t._("What to do next"))
            + "\n"
            + "\n".join(f"• {escape(step)}" for step in topic.next_steps)
        )
        return [steps, _contacts_block(t, topic)] if topic.contacts else [steps]
    if part == PLACES:
        return [_places_block(t, library, topic.id, topic.lang, municipality)]
    if part == SOURCES:
        return [_sources_block(t, topic)]
    return [_section_block(topic, int(part[1:]))]


def _section_block(topic: Topic, index: int) -> str:
    section = topic.sections[index]
    lines = [bold(section.heading)]
    if section.text:
        lines.append(escape(section.text))
    lines.extend(f"{n}. {escape(step)}" for n, step in enumerate(section.steps, start=1))
    lines.extend(f"• {escape(item)}" for item in section.bullets)
    return "\n".join(lines)


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
    ("läst i sparad kopia 3 december 2026") is written once, above the sources it applies to.
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


# --- buttons ------------------------------------------------------------------------------------


def did_you_mean(
    t: Translator, library: Library, lang: Lang, topic_ids: Sequence[str]
) -> list[tuple[Button, ...]]:
    pictograms = library.pictograms
    return [
        (
            button(
                "❓ "
                + t._("Did you mean: %(title)s")
                % {
                    "title": pictograms.label(pictograms.topic(tid), library.topic(lang, tid).title)
                },
                cb.OpenTopic(tid),
            ),
        )
        for tid in topic_ids
    ]


def _keyboard(
    t: Translator,
    library: Library,
    topic: Topic,
    *,
    ui_lang: Lang,
    content_lang: Lang | None,
    part: str,
    parts: Sequence[str],
    can_change_municipality: bool,
    has_audio: bool,
    alternatives: Sequence[str],
) -> Keyboard:
    shown_lang = content_lang or ui_lang
    rows: list[tuple[Button, ...]] = []
    if has_audio:
        rows.append((button("🔊 " + t._("Listen"), cb.Listen(topic.id, shown_lang)),))
    if part != ANSWER:
        rows.append(
            (button(part_label(t, topic, ANSWER), cb.ShowPart(topic.id, ANSWER, content_lang)),)
        )
    rows.extend(
        (button(part_label(t, topic, code), cb.ShowPart(topic.id, code, content_lang)),)
        for code in parts
        if code != part
    )
    rows.append(
        (
            button("👍 " + t._("Helpful"), cb.Helpful(topic.id, True)),
            button("👎 " + t._("Not helpful"), cb.Helpful(topic.id, False)),
        )
    )
    rows.extend(did_you_mean(t, library, ui_lang, alternatives))
    if can_change_municipality and topic.id in library.local_topics:
        rows.append((button("📍 " + t._("Change municipality"), cb.AskMunicipality(topic.id)),))
    for related in topic.related[:3]:
        if library.resolve_id(related):
            icon = library.pictograms.topic(related)
            title = library.topic(ui_lang, related).title
            rows.append(
                (button(library.pictograms.label(icon, "→ " + title), cb.OpenTopic(related)),)
            )
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
            *menu_row(t),
        )
    )
    return tuple(rows)
