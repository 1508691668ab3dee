"""Small fixture topics for search unit tests (the real content is tested in test_eval.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.model import Block, Lang, Topic
from bot.search.engine import SearchEngine, SmallTalk
from bot.search.index import SearchIndex
from bot.search.vocabulary import SearchVocabulary

REPO = Path(__file__).resolve().parents[2]


def topic(
    topic_id: str,
    lang: Lang,
    title: str,
    summary: str,
    body: str = "",
    keywords: tuple[str, ...] = (),
) -> Topic:
    return Topic(
        id=topic_id,
        lang=lang,
        title=title,
        review="draft",
        summary=summary,
        next_steps=("Ring kommunens växel.",) if lang == "sv" else ("Soita kuntaan.",),
        sections=(Block(heading="Mer", text=body),) if body else (),
        keywords=keywords,
    )


FIXTURE_TOPICS: tuple[Topic, ...] = (
    topic(
        "debt",
        "sv",
        "Skulder och budgetrådgivning",
        "Budget- och skuldrådgivningen i kommunen är gratis. Kronofogden kan hjälpa med "
        "skuldsanering.",
        keywords=("skulder", "kronofogden"),
    ),
    topic(
        "debt",
        "fi",
        "Velat ja talousneuvonta",
        "Kunnan velkaneuvonta on maksutonta. Velkajärjestely on mahdollinen.",
    ),
    topic(
        "children",
        "sv",
        "Orosanmälan",
        "När socialtjänsten får en orosanmälan om ett barn gör den en bedömning inom 14 dagar.",
    ),
    topic(
        "children",
        "rom",
        "Orosanmälan: kana o socialo lel lil pa jekh čhavo",
        "O socialo (socialtjänsten) dikhel so kerdilo le čhavesa.",
    ),
    topic(
        "school",
        "sv",
        "Modersmål i skolan",
        "Ditt barn har rätt till modersmålsundervisning i romani chib.",
        body="Rektorn beslutar. Undervisningen kan ske på distans.",
    ),
    topic(
        "school",
        "fi",
        "Äidinkielen opetus",
        "Lapsella on oikeus äidinkielen opetukseen koulussa.",
    ),
    topic(
        "money",
        "sv",
        "Ekonomiskt bistånd",
        "Du kan söka försörjningsstöd hos socialtjänsten om pengarna inte räcker.",
    ),
    topic(
        "money",
        "fi",
        "Toimeentulotuki",
        "Voit hakea toimeentulotukea sosiaalitoimesta joka kuukausi.",
    ),
    topic(
        "money",
        "rom",
        "Love katar o socialo",
        "Šaj mangeh love (försörjningsstöd) katar o socialo.",
    ),
    topic(
        "health",
        "sv",
        "Vård och vårdcentral",
        "Ring 1177 om du blir sjuk. Din vårdcentral hjälper dig på dagtid.",
        body="Du har rätt till tolk hos läkaren.",
    ),
)

FIXTURE_VOCABULARY = SearchVocabulary(
    groups=(
        ("soc", "socialtjänsten", "sossu", "sosiaalitoimi", "socialo"),
        ("pengar", "raha", "love"),
        ("barn", "lapsi", "čhavo"),
        ("ekonomiskt bistånd", "försörjningsstöd", "toimeentulotuki"),
    ),
    greetings=("hej", "hallå", "moi", "hei", "sastipe", "lačho dives", "t'aven baxtale"),
    thanks=("tack", "tack så mycket", "kiitos", "nais tuke", "palikerav"),
    fillers=("du", "så", "bot"),
    stopwords=("och", "i", "på", "om", "hur", "jag", "min", "mitt", "man", "te", "o", "e"),
)


@pytest.fixture(scope="session")
def fixture_index() -> SearchIndex:
    return SearchIndex.build(
        FIXTURE_TOPICS, FIXTURE_VOCABULARY.groups, stopwords=FIXTURE_VOCABULARY.stopwords
    )


@pytest.fixture(scope="session")
def fixture_engine(fixture_index: SearchIndex) -> SearchEngine:
    return SearchEngine(fixture_index, SmallTalk.from_vocabulary(FIXTURE_VOCABULARY))


@pytest.fixture(scope="session")
def fixture_topics() -> tuple[Topic, ...]:
    return FIXTURE_TOPICS


@pytest.fixture(scope="session")
def fixture_vocabulary() -> SearchVocabulary:
    return FIXTURE_VOCABULARY
