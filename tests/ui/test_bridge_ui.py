"""Bridge-builder and case screens: codecs parse only what they encode; figures are suppressed;
the group post names nobody; every resident text is in the resident's language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import Library
from bot.content.model import LANGUAGES, Lang
from bot.i18n import Translator
from bot.links.tags import SourceTag
from bot.storage.cases import CaseMonth
from bot.storage.tags import ReachRow
from bot.ui import bridge, cases
from bot.ui.render import visible_len


@pytest.mark.parametrize(
    "action",
    [
        cases.Ask(),
        cases.Ask("0a1b2c3d"),
        cases.ForMunicipality("haninge"),
        cases.Send(True),
        cases.Send(False),
        cases.Cancel(),
        cases.Reply(12),
        cases.Close(9_999_999_999),
    ],
)
def test_case_actions_round_trip(action: cases.CaseAction) -> None:
    assert cases.decode(cases.encode(action)) == action


@given(st.text(max_size=70))
def test_case_codec_rejects_anything_else(data: str) -> None:
    action = cases.decode(data)
    assert action is None or cases.encode(action) == data


def test_bridge_actions_round_trip(library: Library) -> None:
    actions: list[bridge.LinksAction] = [
        bridge.Target("housing"),
        bridge.Target("survey"),
        bridge.Target("menu"),
        bridge.Section("rights"),
        bridge.ToggleLang("rom"),
        bridge.Next(),
        bridge.UseTag("hn-bibl"),
        bridge.NewTag(),
        bridge.Back(),
    ]
    for action in actions:
        assert bridge.decode(bridge.encode(action), library) == action
    for forged in ("bb:t:nonsense", "bb:l:en", "bb:g:ÅÄÖ", "bb:g:a b", "bb:", "cs:ask", 7):
        assert bridge.decode(forged, library) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_intro_says_who_reads_emergency_numbers_and_how_long(
    translators: dict[Lang, Translator], lang: Lang
) -> None:
    t = translators[lang]
    screen = cases.intro(t, "Haninge", 14, has_text=False)
    assert "112" in screen.text and "020-50 50 50" in screen.text
    assert "14" in screen.text and "Haninge" in screen.text
    assert visible_len(screen.text) <= 4096


def test_group_post_carries_text_language_municipality_only(
    translators: dict[Lang, Translator],
) -> None:
    post = cases.group_post(translators["sv"], 3, "rom", "Haninge", "<b>Hej</b> & välkommen")
    assert "Ärende 3" in post and "Romani chib" in post and "Haninge" in post
    assert "&lt;b&gt;Hej&lt;/b&gt; &amp; välkommen" in post  # escaped, not interpreted
    assert "tg://" not in post and "href" not in post


def test_the_scrubbed_version_is_offered_not_forced(translators: dict[Lang, Translator]) -> None:
    t = translators["sv"]
    same = cases.preview(t, "Hej", "Hej")
    assert len(same.keyboard) == 2  # send, cancel
    offered = cases.preview(t, "Ring 0701234567", "Ring [borttaget]")
    labels = [b.text for row in offered.keyboard for b in row]
    assert any("utan personuppgifter" in label for label in labels)
    assert any("som jag skrev" in label for label in labels)


def test_reach_is_suppressed_and_lists_zero_weeks(translators: dict[Lang, Translator]) -> None:
    t = translators["sv"]
    tags = [SourceTag("hn-bibl", "haninge", "Biblioteket")]
    rows = [ReachRow("hn-bibl", "2026-W49", 3, 1), ReachRow("hn-bibl", "2026-W48", 0, 0)]
    text = bridge.reach_screen(t, tags, rows).text
    assert "2026-W49: &lt;5" in text and "2026-W48: 0" in text
    figures = text.split("Biblioteket")[1]
    assert " 1 " not in figures and " 3 " not in figures


def test_staff_see_case_counts_suppressed(
    translators: dict[Lang, Translator], library: Library
) -> None:
    t = translators["sv"]
    months = [
        CaseMonth("haninge", "2026-12", 2, 1, (4,)),
        CaseMonth("malmo", "2026-12", 9, 6, (1, 2, 3, 5, 8, 13)),
    ]
    text = "\n".join(bridge.staff_reach_screen(t, library, [], [], months).messages)
    assert "Haninge 2026-12: &lt;5" in text and "–" in text  # no median over one answer
    assert "Malmö 2026-12: 9" in text and "6 besvarade" in text and " 4 h" in text
