from __future__ import annotations

import pytest

from bot.content import Library
from bot.ui import callbacks as cb

MUNICIPALITIES = frozenset({"malmo", "haninge"})


def _all_actions(library: Library) -> list[cb.Action]:
    actions: list[cb.Action] = [
        cb.ShowLanguages(),
        cb.MainMenu(),
        cb.StartFeedback(),
        cb.AskMunicipality(),
        cb.Forget(True),
        cb.Forget(False),
    ]
    actions += [cb.ChooseLanguage(lang) for lang in ("sv", "rom", "fi")]
    actions += [cb.OpenSection(s.id) for s in library.sections]
    for topic_id in library.topic_ids:
        actions += [
            cb.OpenTopic(topic_id),
            cb.OpenTopic(topic_id, "sv"),
            cb.AskMunicipality(topic_id),
        ]
        actions += [cb.ChooseMunicipality(m, topic_id) for m in MUNICIPALITIES]
    return actions


def test_every_action_round_trips_within_64_bytes(library: Library) -> None:
    for action in _all_actions(library):
        data = cb.encode(action)
        assert len(data.encode()) <= 64
        assert cb.decode(data, library, MUNICIPALITIES) == action


@pytest.mark.parametrize(
    "data",
    [
        "",
        "lang:en",
        "lang:sv:extra",
        "sec:nowhere",
        "top:no-such-topic",
        "top:housing:de",
        "mun:stockholm",  # not offered in this deployment
        "mun:malmo:no-such-topic",
        "menu:1",
        "forget:maybe",
        "x" * 65,
        "top:housing\x00",
        "../../etc/passwd",
        "<b>menu</b>",
    ],
)
def test_forged_or_stale_data_is_rejected(library: Library, data: str) -> None:
    assert cb.decode(data, library, MUNICIPALITIES) is None


def test_non_string_data_is_rejected(library: Library) -> None:
    assert cb.decode(None, library, MUNICIPALITIES) is None
    assert cb.decode(b"menu", library, MUNICIPALITIES) is None
