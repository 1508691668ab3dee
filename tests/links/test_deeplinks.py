from __future__ import annotations

import pytest

from bot.links.deeplinks import DeepLink, build_payload, deep_link_url, parse_payload


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("rom-mother-tongue-tuition", DeepLink("rom", "mother-tongue-tuition")),
        (
            "rom-mother-tongue-tuition_haninge1",
            DeepLink("rom", "mother-tongue-tuition", "haninge1"),
        ),
        (
            "sv-compulsory-care-lvu_poster_2026-A",
            DeepLink("sv", "compulsory-care-lvu", "poster_2026-A"),
        ),
        ("fi-housing", DeepLink("fi", "housing")),
    ],
)
def test_valid_payloads(payload: str, expected: DeepLink) -> None:
    assert parse_payload(payload) == expected
    assert build_payload(expected) == payload


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "en-housing",
        "sv-",
        "sv_housing",
        "SV-housing",
        "sv-Housing",
        "sv-housing_",
        "sv-hou sing",
        "sv-housing_tag!",
        "sv--housing",
        "sv-housing-",
        "sv-" + "a" * 62,
        "sv-housing\n",
        "sv-housing_ä",
        "rom-mother-tongue-tuition_" + "x" * 40,
    ],
)
def test_malformed_payloads_are_none(payload: str) -> None:
    assert parse_payload(payload) is None


def test_url_and_refusal_to_build_invalid_links() -> None:
    link = DeepLink("fi", "work", "bib2")
    assert deep_link_url("outreach_bot", link) == "https://t.me/outreach_bot?start=fi-work_bib2"
    with pytest.raises(ValueError):
        build_payload(DeepLink("fi", "work", "bad tag"))
