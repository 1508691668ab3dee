"""The scripted poster campaign: every QR code reads back, and the bot's reach counts equal the
script's truth (people once per tag and week), shown suppressed to bridge-builders."""

from __future__ import annotations

from devtools.campaign import run_campaign


async def test_campaign_counts_the_truth_and_suppresses_small_cells() -> None:
    lines = await run_campaign(seed=13)
    text = "\n".join(lines)
    assert text.count("ok; poster file") == 4
    assert "bot counts equal the truth: True; unregistered tag counted: False" in text
    assert "<5 personer" in text  # the small school poster
    assert not any(" 1 personer" in line for line in lines)
    assert "7 reached Haninge's group, 5 answers reached residents" in text
