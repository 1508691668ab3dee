"""The sealed chat link of a case: opens only with the same key and the same case number."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cases.seal import CaseSeal, SealError

KEY = b"k" * 40
CHAT_IDS = st.integers(min_value=1, max_value=2**52)


@given(CHAT_IDS, st.integers(min_value=1, max_value=10**9))
def test_round_trip(chat_id: int, number: int) -> None:
    seal = CaseSeal(KEY)
    assert seal.open(number, seal.seal(number, chat_id)) == chat_id


def test_the_blob_does_not_contain_the_id_and_differs_each_time() -> None:
    seal = CaseSeal(KEY)
    chat_id = 123_456_789
    first, second = seal.seal(1, chat_id), seal.seal(1, chat_id)
    assert first != second  # a fresh nonce: blobs cannot be compared
    for blob in (first, second):
        assert str(chat_id).encode() not in blob
        assert struct.pack(">q", chat_id) not in blob and struct.pack("<q", chat_id) not in blob


def test_another_case_number_or_key_cannot_open_it() -> None:
    seal = CaseSeal(KEY)
    blob = seal.seal(7, 42)
    with pytest.raises(SealError):
        seal.open(8, blob)  # a blob swapped onto another case
    with pytest.raises(SealError):
        CaseSeal(b"x" * 40).open(7, blob)
    with pytest.raises(SealError):
        seal.open(7, blob[:-1] + bytes([blob[-1] ^ 1]))  # tampered
    with pytest.raises(SealError):
        seal.open(7, b"short")


def test_without_a_key_the_seal_lives_in_memory_only() -> None:
    first, second = CaseSeal(None), CaseSeal(None)
    assert first.ephemeral and not CaseSeal(KEY).ephemeral
    with pytest.raises(SealError):
        second.open(1, first.seal(1, 42))
