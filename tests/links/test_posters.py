from __future__ import annotations

import csv
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from html import escape
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import Library
from bot.content.model import LANGUAGES, Lang
from bot.i18n import Translator
from bot.links.deeplinks import MAX_PAYLOAD, DeepLink, parse_payload
from bot.links.pdf import write_pdfs
from bot.links.posters import privacy_line, target_text, write_poster, write_posters
from bot.links.qr import qr_svg_inline, write_qr
from bot.links.rows import LinkError, LinkRow, all_links, write_csv
from bot.links.text import one_line, sentences

BOT = "RomaInfoBot"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _room(library: Library) -> int:
    """The longest source tag that keeps every payload within 64 characters."""
    longest = max(len(f"{lang}-{tid}") for tid in library.topic_ids for lang in LANGUAGES)
    return MAX_PAYLOAD - longest - 1


# --- rows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [None, "haninge1", "poster_2026-A"])
def test_every_topic_in_every_language_round_trips(library: Library, source: str | None) -> None:
    rows = all_links(library, BOT, source)
    assert [(row.topic_id, row.lang) for row in rows] == [
        (tid, lang) for tid in library.topic_ids for lang in LANGUAGES
    ]
    for row in rows:
        assert parse_payload(row.payload) == DeepLink(row.lang, row.topic_id, source)
        assert row.url == f"https://t.me/{BOT}?start={row.payload}"
        assert row.title == library.topic(row.lang, row.topic_id).title


def test_longest_allowed_tag_stays_within_64(library: Library) -> None:
    tag = "x" * _room(library)
    rows = all_links(library, BOT, tag)
    assert max(len(row.payload) for row in rows) == MAX_PAYLOAD
    assert all(parse_payload(row.payload) is not None for row in rows)


def test_a_leading_at_is_accepted(library: Library) -> None:
    rows = all_links(library, "@" + BOT)
    assert rows[0].url.startswith(f"https://t.me/{BOT}?start=")


@pytest.mark.parametrize(
    "username",
    ["", "abot", "1RomaBot", "Roma-Bot", "Roma Bot", "t.me/RomaBot", "a" * 30 + "bot", "RomaInfo"],
)
def test_bad_usernames_are_rejected_in_one_line(library: Library, username: str) -> None:
    with pytest.raises(LinkError) as raised:
        all_links(library, username)
    message = str(raised.value)
    assert repr(username) in message
    assert "\n" not in message


@pytest.mark.parametrize("tag", ["", "a b", "hån", "x/y", "tag.1"])
def test_tags_with_bad_characters_are_rejected(library: Library, tag: str) -> None:
    with pytest.raises(LinkError, match="invalid source tag"):
        all_links(library, BOT, tag)


def test_a_tag_too_long_names_the_topics_it_breaks(library: Library) -> None:
    room = _room(library)
    with pytest.raises(LinkError) as raised:
        all_links(library, BOT, "x" * (room + 1))
    message = str(raised.value)
    longest = max((f"{lang}-{tid}" for tid in library.topic_ids for lang in LANGUAGES), key=len)
    assert longest in message
    assert f"at most {room} characters" in message
    assert "\n" not in message


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_bom_header_and_every_row(library: Library, tmp_path: Path) -> None:
    rows = all_links(library, BOT, "haninge1")
    path = write_csv(rows, tmp_path / "out" / "links.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbftopic_id,lang,title,payload,url\r\n")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert len(read) == len(rows) == 3 * len(library.topic_ids)
    assert [(r["topic_id"], r["lang"], r["title"], r["payload"], r["url"]) for r in read] == [
        (row.topic_id, row.lang, row.title, row.payload, row.url) for row in rows
    ]


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    row = LinkRow("housing", "sv", "=HYPERLINK(1)", "sv-housing", "https://t.me/x_bot")
    path = write_csv([row], tmp_path / "links.csv")
    assert "'=HYPERLINK(1)" in path.read_text(encoding="utf-8-sig")


# --- QR codes -----------------------------------------------------------------------------------


def test_qr_files_exist_per_link(library: Library, tmp_path: Path) -> None:
    rows = all_links(library, BOT, "haninge1")[:6]
    written = write_qr(rows, tmp_path / "qr")
    assert len(written) == 2 * len(rows)
    for row in rows:
        svg = tmp_path / "qr" / f"{row.payload}.svg"
        png = tmp_path / "qr" / f"{row.payload}.png"
        root = ET.fromstring(svg.read_bytes())
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert png.read_bytes().startswith(PNG_SIGNATURE)
        # Big enough for print: the shortest link still gets 800+ pixels (6.8 cm at 300 dpi).
        width = int.from_bytes(png.read_bytes()[16:20], "big")
        assert width >= 800


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_qr_png_decodes_to_the_url(library: Library, tmp_path: Path) -> None:
    row = all_links(library, BOT, "haninge1")[0]
    write_qr([row], tmp_path)
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / f"{row.payload}.png")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert decoded == row.url


def test_inline_svg_is_square_with_a_quiet_zone() -> None:
    svg = qr_svg_inline("https://t.me/RomaInfoBot?start=sv-housing", "Bostad & <hyra>")
    root = ET.fromstring(svg)
    _, _, width, height = root.attrib["viewBox"].split()
    assert width == height
    assert root.attrib["aria-label"] == "Bostad & <hyra>"  # escaped in the markup, parsed back
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    assert path.attrib["d"].startswith("M4 4h7")  # the finder pattern, 4 modules in


# --- one-line descriptions ----------------------------------------------------------------------


def test_sentences_respect_ordinals_and_numbers() -> None:
    assert sentences("Soita 112. Haluatko puhua? Kyllä.") == [
        "Soita 112.",
        "Haluatko puhua?",
        "Kyllä.",
    ]
    text = "Päivät: 8. huhtikuuta ja 2. elokuuta. 8. huhtikuuta on juhla."
    assert sentences(text) == ["Päivät: 8. huhtikuuta ja 2. elokuuta.", "8. huhtikuuta on juhla."]


def test_one_line_answers_a_question_and_stays_short() -> None:
    question = "Är du i fara just nu och behöver du hjälp?"
    assert one_line(f"{question} Ring 112 direkt. Mer text här.") == f"{question} Ring 112 direkt."
    enough = "Den här meningen är lång nog för att räcka ensam."
    assert one_line(f"Kort. {enough} Och en till mening.") == f"Kort. {enough}"
    assert one_line("Kan du inte betala hyran? " + "Ring " * 60 + "nu.") == (
        "Kan du inte betala hyran?"
    )
    long = "Ord " * 80 + "slut."
    shortened = one_line(long)
    assert len(shortened) <= 150
    assert shortened.endswith("Ord…")


def test_every_topic_has_a_one_line_description(library: Library) -> None:
    for tid in library.topic_ids:
        for lang in LANGUAGES:
            line = one_line(library.topic(lang, tid).summary)
            assert 20 <= len(line) <= 150, (lang, tid, line)


# --- posters ------------------------------------------------------------------------------------


def test_posters_carry_three_titles_codes_and_the_privacy_line(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path
) -> None:
    posters = write_posters(library, BOT, "haninge1", tmp_path, translators=translators)
    assert [poster.topic_id for poster in posters] == list(library.topic_ids)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for poster in posters:
        assert poster.path.name == f"{poster.topic_id}_haninge1.html"
        assert f'href="{poster.path.name}"' in index
        html = poster.path.read_text(encoding="utf-8")
        assert "@page { size: A4" in html
        assert html.count('<svg class="qr"') == 3
        assert "<script" not in html and "http" not in html.split("<body>")[0]
        for lang in LANGUAGES:
            topic = library.topic(lang, poster.topic_id)
            assert escape(topic.title) in html
            assert escape(one_line(topic.summary)) in html
            url = f"https://t.me/{BOT}?start={lang}-{poster.topic_id}_haninge1"
            assert qr_svg_inline(url, topic.title) in html  # the code encodes this language's link
            assert f"t.me/{BOT}<wbr>?start={lang}-{poster.topic_id}<wbr>_haninge1" in html
            privacy = translators[lang]._(
                "The bot is anonymous. It never saves your name or phone number, nor your "
                "Telegram id in readable form. It remembers your language and municipality "
                "under a code and counts visits without knowing who you are."
            )
            assert escape(privacy) in html


def test_poster_text_is_escaped(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path
) -> None:
    tid = library.topic_ids[0]
    hostile = replace(library.topic("sv", tid), title='<script>alert("x")</script> & co')
    topics = {**library.topics, ("sv", tid): hostile}
    posters = write_posters(
        replace(library, topics=topics), BOT, None, tmp_path, translators=translators
    )
    html = posters[0].path.read_text(encoding="utf-8")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for page in (html, index):
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    assert posters[0].path.name == f"{tid}.html"


@pytest.mark.browser
@pytest.mark.skipif(
    not any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")),
    reason="Chromium not installed",
)
def test_a_poster_prints_to_one_a4_pdf_page(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path
) -> None:
    posters = write_posters(library, BOT, "haninge1", tmp_path, translators=translators)
    # The topic with the longest texts is the one most likely to spill onto a second page.
    longest = max(posters, key=lambda poster: len(poster.path.read_text(encoding="utf-8")))
    [pdf] = write_pdfs([longest.path])
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes
    for width, height in boxes:  # A4 is 595 x 842 points
        assert abs(float(width) - 595.3) < 1.5 and abs(float(height) - 841.9) < 1.5


# --- command line -------------------------------------------------------------------------------


def test_cli_writes_csv_qr_and_posters(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "links",
            "--username",
            BOT,
            "--source",
            "haninge1",
            "--csv",
            str(tmp_path / "links.csv"),
            "--qr",
            str(tmp_path / "qr"),
            "--poster",
            str(tmp_path / "posters"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"https://t.me/{BOT}?start=rom-{library.topic_ids[0]}_haninge1" in out
    assert (tmp_path / "links.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(list((tmp_path / "qr").glob("*.png"))) == 3 * len(library.topic_ids)
    assert (tmp_path / "posters" / "index.html").exists()


def test_cli_rejects_a_bad_username_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["links", "--username", "no", "--csv", str(tmp_path / "links.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: invalid bot username 'no'")
    assert err.count("\n") == 1
    assert not (tmp_path / "links.csv").exists()


# --- one language, a place, the survey (bridge-builders' posters) -------------------------------


def test_a_poster_in_one_language_names_the_place_and_keeps_the_privacy_line(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path
) -> None:
    poster = write_poster(
        library,
        BOT,
        "housing",
        tmp_path,
        translators,
        langs=("rom",),
        source="hn-bibl",
        place='Haninge <bibliotek> & "café"',
    )
    assert poster.path.name == "housing_hn-bibl_rom.html"
    html = poster.path.read_text(encoding="utf-8")
    assert html.count('<svg class="qr"') == 1
    url = f"https://t.me/{BOT}?start=rom-housing_hn-bibl"
    assert qr_svg_inline(url, library.topic("rom", "housing").title) in html
    assert "Haninge &lt;bibliotek&gt; &amp; &quot;café&quot;" in html  # escaped by the template
    assert escape(privacy_line(translators["rom"])) in html
    assert escape(privacy_line(translators["sv"])) not in html  # only the chosen language
    assert 'class="page single"' in html


@pytest.mark.parametrize("target", ["survey", "menu"])
def test_posters_can_open_the_survey_or_the_menu(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path, target: str
) -> None:
    poster = write_poster(library, BOT, target, tmp_path, translators, source="hn-bibl")
    html = poster.path.read_text(encoding="utf-8")
    for lang in LANGUAGES:
        url = f"https://t.me/{BOT}?start={lang}-{target}_hn-bibl"
        assert url.removeprefix("https://").replace("?", "<wbr>?").replace("_", "<wbr>_") in html
        assert escape(target_text(library, target, lang, translators[lang]).title) in html


def test_unknown_targets_and_no_language_are_refused(
    library: Library, translators: dict[Lang, Translator], tmp_path: Path
) -> None:
    with pytest.raises(LinkError, match="unknown topic"):
        write_poster(library, BOT, "nonsense", tmp_path, translators)
    with pytest.raises(LinkError, match="at least one language"):
        write_poster(library, BOT, "housing", tmp_path, translators, langs=())


def test_cli_survey_poster_for_one_language_registers_the_tag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    code = main(
        [
            "links",
            "--username",
            BOT,
            "--source",
            "Hn-Bibl",
            "--municipality",
            "haninge",
            "--place",
            "Haninge bibliotek",
            "--lang",
            "rom",
            "--survey",
            "--csv",
            str(tmp_path / "links.csv"),
            "--poster",
            str(tmp_path / "posters"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"https://t.me/{BOT}?start=rom-survey_hn-bibl" in out
    assert "start=sv-" not in out
    html = (tmp_path / "posters" / "survey_hn-bibl_rom.html").read_text(encoding="utf-8")
    assert "Haninge bibliotek" in html
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as raw:
        assert raw.execute("SELECT tag, municipality, place FROM source_tags").fetchall() == [
            ("hn-bibl", "haninge", "Haninge bibliotek")
        ]
