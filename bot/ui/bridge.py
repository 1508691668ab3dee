"""Bridge-builders' screens: /links step by step, /reach figures, their /help lines.

Callback data starts with "bb:" and is parsed against an allow-list; a tag in a button is
checked against the municipality's registered tags by the handler. Figures are shown only after
small-cell suppression (bot/links/reach.py `shown`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.cases.stats import shown_months
from bot.content.model import LANGUAGES, Lang, Library
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.links.deeplinks import MENU_TARGET, SURVEY_TARGET
from bot.links.reach import THRESHOLD, shown
from bot.links.tags import SourceTag
from bot.storage.cases import CaseMonth
from bot.storage.tags import ReachRow
from bot.ui import callbacks as cb
from bot.ui.render import bold, escape, pack
from bot.ui.screens import SECTION_TITLES, Button, Screen

PREFIX = "bb:"
_TAG = re.compile(r"[a-z0-9][a-z0-9_-]{1,23}")
_ID = re.compile(r"[a-z0-9-]{1,40}")


@dataclass(frozen=True, slots=True)
class Target:
    target: str


@dataclass(frozen=True, slots=True)
class Section:
    section_id: str


@dataclass(frozen=True, slots=True)
class ToggleLang:
    lang: Lang


@dataclass(frozen=True, slots=True)
class Next:
    pass


@dataclass(frozen=True, slots=True)
class UseTag:
    tag: str


@dataclass(frozen=True, slots=True)
class NewTag:
    pass


@dataclass(frozen=True, slots=True)
class Back:
    pass


LinksAction = Target | Section | ToggleLang | Next | UseTag | NewTag | Back


def encode(action: LinksAction) -> str:
    match action:
        case Target(target):
            data = f"t:{target}"
        case Section(section_id):
            data = f"s:{section_id}"
        case ToggleLang(lang):
            data = f"l:{lang}"
        case Next():
            data = "next"
        case UseTag(tag):
            data = f"g:{tag}"
        case NewTag():
            data = "new"
        case Back():
            data = "back"
    data = PREFIX + data
    if len(data.encode()) > cb.MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {cb.MAX_CALLBACK_BYTES} bytes: {data}")
    return data


def decode(data: object, library: Library) -> LinksAction | None:
    if not isinstance(data, str) or not data.startswith(PREFIX) or len(data) > 64:
        return None
    targets = {*library.topic_ids, MENU_TARGET, SURVEY_TARGET}
    sections = {section.id for section in library.sections}
    match data.removeprefix(PREFIX).split(":"):
        case ["t", target] if target in targets:
            return Target(target)
        case ["s", section_id] if section_id in sections and _ID.fullmatch(section_id):
            return Section(section_id)
        case ["l", lang] if lang in LANGUAGES:
            return ToggleLang(lang)
        case ["next"]:
            return Next()
        case ["g", tag] if _TAG.fullmatch(tag):
            return UseTag(tag)
        case ["new"]:
            return NewTag()
        case ["back"]:
            return Back()
    return None


def _b(text: str, action: LinksAction) -> Button:
    return Button(text, encode(action))


# --- /help --------------------------------------------------------------------------------------


def help_lines(t: Translator) -> list[str]:
    return [
        "",
        bold(t._("For bridge-builders")),
        "/links – " + escape(t._("a link, a QR code and a poster with your tag")),
        "/reach – " + escape(t._("how many people your tags reached")),
    ]


# --- /links -------------------------------------------------------------------------------------


def links_targets(t: Translator) -> Screen:
    text = (
        bold(t._("What should the poster open?"))
        + "\n"
        + escape(t._("Or in one line: /links rom-housing haninge-bibl Haninge bibliotek"))
    )
    sections = [_b(t._(title), Section(sid)) for sid, title in SECTION_TITLES.items()]
    keyboard = (
        (_b("☰ " + t._("Main menu"), Target(MENU_TARGET)),),
        (_b("✍ " + t._("Feedback survey"), Target(SURVEY_TARGET)),),
        *((section,) for section in sections),
    )
    return Screen((text,), keyboard)


def links_topics(t: Translator, library: Library, section_id: str, lang: Lang) -> Screen:
    section = library.section(section_id)
    rows = [(_b(library.topic(lang, tid).title, Target(tid)),) for tid in section.topic_ids]
    return Screen(
        (bold(t._(SECTION_TITLES[section_id])),), (*rows, (_b("« " + t._("Back"), Back()),))
    )


def links_languages(t: Translator, chosen: Sequence[Lang]) -> Screen:
    text = escape(t._("Which languages? Tap to choose, then Next."))
    row = tuple(
        _b(("✓ " if lang in chosen else "") + LANGUAGE_NAMES[lang], ToggleLang(lang))
        for lang in LANGUAGES
    )
    keyboard: tuple[tuple[Button, ...], ...] = (row,)
    if chosen:
        keyboard += ((_b(t._("Next") + " →", Next()),),)
    return Screen((text,), keyboard)


def links_tags(t: Translator, tags: Sequence[SourceTag]) -> Screen:
    text = escape(t._("Which tag? One of your municipality's, or a new one."))
    rows = [
        (_b(tag.tag + (f" – {tag.place}" if tag.place else ""), UseTag(tag.tag)),)
        for tag in tags[:20]
    ]
    return Screen((text,), (*rows, (_b("＋ " + t._("New tag"), NewTag()),)))


def new_tag_prompt(t: Translator) -> Screen:
    text = escape(
        t._(
            "Write the new tag and the place where the poster hangs, for example: "
            "haninge-bibl Haninge bibliotek. A tag has 2-24 letters a-z, digits, - or _, and no "
            "personal details."
        )
    )
    return Screen((text,), ())


def links_usage(t: Translator) -> Screen:
    text = escape(
        t._(
            "Usage: /links <language>-<topic> <tag> [place], for example /links "
            "rom-housing haninge-bibl Haninge bibliotek. Languages: sv, rom, fi (several with "
            "commas: sv,rom-housing). Topics: a topic id, menu or survey."
        )
    )
    return Screen((text,), ())


def tag_problem(t: Translator, kind: str, tag: str) -> Screen:
    texts = {
        "invalid": t._(
            "The tag %(tag)s cannot be used: 2-24 letters a-z, digits, - or _, and no six digits "
            "in a row."
        ),
        "taken": t._("The tag %(tag)s belongs to another municipality. Choose another one."),
        "unknown": t._("%(tag)s is not a language and topic. Try /links without words."),
    }
    return Screen((escape(texts[kind] % {"tag": tag}),), ())


def link_message(t: Translator, urls: Sequence[tuple[Lang, str]], place: str | None) -> str:
    lines = [bold(t._("Your link")) + (f" – {escape(place)}" if place else "")]
    lines += [f"{escape(LANGUAGE_NAMES[lang])}: {escape(url)}" for lang, url in urls]
    return "\n".join(lines)


def poster_caption(t: Translator, pdf: bool) -> str:
    if pdf:
        return t._("A4 poster, ready to print at 100 %.")
    return t._(
        "The server has no PDF printer, so here is the poster as a web page: open it in a "
        "browser and print it at 100 %."
    )


# --- /reach -------------------------------------------------------------------------------------


def _reach_lines(t: Translator, tags: Sequence[SourceTag], rows: Sequence[ReachRow]) -> list[str]:
    blocks: list[str] = []
    for tag in tags:
        lines = [bold(tag.tag) + (f" – {escape(tag.place)}" if tag.place else "")]
        for row in rows:
            if row.tag == tag.tag:
                values = {"people": shown(row.people), "scans": shown(row.scans)}
                figures = t._("%(people)s people, %(scans)s scans") % values
                lines.append(f"{escape(row.week)}: {escape(figures)}")
        blocks.append("\n".join(lines))
    return blocks


def reach_screen(t: Translator, tags: Sequence[SourceTag], rows: Sequence[ReachRow]) -> Screen:
    head = (
        bold(t._("Reach of your tags"))
        + "\n"
        + escape(
            t._(
                "People: each person once per tag and week. Counts from 1 to %(small)s show as "
                "<%(threshold)s."
            )
            % {"small": THRESHOLD - 1, "threshold": THRESHOLD}
        )
    )
    if not tags:
        return Screen((head + "\n\n" + escape(t._("No tags yet. Make one with /links.")),), ())
    return Screen(tuple(pack([head, *_reach_lines(t, tags, rows)])), ())


def staff_reach_screen(
    t: Translator,
    library: Library,
    tags: Sequence[SourceTag],
    rows: Sequence[ReachRow],
    months: Sequence[CaseMonth],
) -> Screen:
    """Staff: every municipality's tags, then anonymous question counts per month."""
    blocks = [reach_screen(t, (), ()).text.split("\n\n")[0]]
    for municipality in sorted({tag.municipality for tag in tags}):
        found = library.municipality(municipality)
        blocks.append(bold(found.name if found else municipality))
        mine = [tag for tag in tags if tag.municipality == municipality]
        blocks += _reach_lines(t, mine, rows)
    lines = [bold(t._("Questions to bridge-builders"))]
    for month in shown_months(list(months)):
        found = library.municipality(month.municipality)
        values = {"opened": month.opened, "answered": month.answered, "hours": month.median_hours}
        figures = (
            t._("%(opened)s opened, %(answered)s answered, first answer after %(hours)s h (median)")
            % values
        )
        name = found.name if found else month.municipality
        lines.append(f"{escape(name)} {escape(month.month)}: {escape(figures)}")
    if not months:
        lines.append(escape(t._("None yet.")))
    blocks.append("\n".join(lines))
    return Screen(tuple(pack(blocks)), ())
