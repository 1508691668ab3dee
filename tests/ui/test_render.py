from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.ui.render import MESSAGE_LIMIT, bold, escape, pack, utf16_len, visible_len


def test_escape_only_uses_entities_telegram_accepts() -> None:
    assert escape('<b>"x" & y</b>') == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"
    assert escape("barn's") == "barn's"


def test_lengths_count_utf16_code_units_after_entities() -> None:
    assert utf16_len("😀") == 2
    assert visible_len("<b>a&amp;b</b>") == 3


def test_pack_joins_blocks_and_splits_under_the_limit() -> None:
    blocks = [bold(f"Rubrik {i}") + "\n" + escape("ord " * 300) for i in range(10)]
    messages = pack(blocks)
    assert len(messages) > 1
    assert all(visible_len(m) <= MESSAGE_LIMIT for m in messages)
    assert "".join(messages).count("<b>") == 10  # no block lost, no tag cut


def test_one_huge_block_is_cut_at_spaces() -> None:
    messages = pack([escape("långt ord " * 2000)])
    assert len(messages) >= 5
    assert all(0 < visible_len(m) <= MESSAGE_LIMIT for m in messages)


@given(st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=6))
def test_pack_never_exceeds_the_limit_and_keeps_text(texts: list[str]) -> None:
    blocks = [escape(t) for t in texts if t.strip()]
    messages = pack(blocks)
    assert all(visible_len(m) <= MESSAGE_LIMIT for m in messages)
    assert all(m.strip() for m in messages)


def test_a_limit_too_small_for_any_character_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="at least 2"):
        pack(["abc"], limit=1)
    assert pack(["😀😀"], limit=2) == ["😀", "😀"]
