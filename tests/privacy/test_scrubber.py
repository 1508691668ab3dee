"""Tests for bot.privacy.scrubber and devtools.scrubber_eval.

Expected values are written out here or computed by this file's own code (its own Luhn and
henkilötunnus check), never taken from the scrubber, so every test can fail.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.privacy.scrubber import (
    KINDS,
    MARKER,
    Finding,
    find_personal_data,
    luhn_valid,
    scrub,
)
from devtools.scrubber_eval import (
    DEFAULT_CORPUS,
    default_corpora,
    evaluate,
    load_corpora,
    load_corpus,
    main,
    parse_line,
)

# --- independent reference code ------------------------------------------------------------------


def check_digit(nine: str) -> str:
    """Luhn check digit of a personnummer's first nine digits (weights 2,1,2,1,...)."""
    total = 0
    for position, char in enumerate(nine):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def hetu_check(six_digits: str, serial: str) -> str:
    return "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(six_digits + serial) % 31]


def plain_digits(text: str) -> str:
    """What a reader sees: RTL-overridden runs reversed, Unicode digits as ASCII, O as 0."""
    if "\u202e" in text:
        start = text.index("\u202e")
        end = text.find("\u202c", start)
        end = len(text) if end == -1 else end
        text = text[:start] + text[start + 1 : end][::-1] + text[end:]
    text = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in unicodedata.normalize("NFKC", text)
        if unicodedata.category(c) != "Cf"
    )
    return re.sub(r"(?<=\d)O(?=\d)", "0", text)


def only(text: str, kind: str, span: str) -> list[Finding]:
    """The findings expected when ``span`` (once in ``text``) is the only personal data."""
    start = text.index(span)
    return [Finding(kind, start, start + len(span))]


# --- Luhn ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digits",
    ["8112189876", "6408233234", "79927398713", "0000000000", "4111111111111111", "18"],
)
def test_luhn_accepts_published_valid_numbers(digits: str) -> None:
    assert luhn_valid(digits)


@pytest.mark.parametrize(
    "digits", ["8112189875", "6408233235", "79927398710", "12", "", "81121898a6"]
)
def test_luhn_rejects_wrong_check_digits_and_non_digits(digits: str) -> None:
    assert not luhn_valid(digits)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_luhn_accepts_exactly_one_check_digit(nine: str) -> None:
    valid = [digit for digit in "0123456789" if luhn_valid(nine + digit)]
    assert valid == [check_digit(nine)]


# --- personnummer -------------------------------------------------------------------------------

VALID_PNR = ["811218-9876", "640823-3234", "19811218-9876", "198112189876", "8112189876"]


@pytest.mark.parametrize(
    "text, span",
    [
        ("Mitt personnummer är 811218-9876, tack.", "811218-9876"),
        ("pnr 19811218-9876 hjälp", "19811218-9876"),
        ("pnr 198112189876 hjälp", "198112189876"),
        ("pnr 8112189876 hjälp", "8112189876"),
        ("pnr 811218 9876 hjälp", "811218 9876"),
        ("pnr 19811218 9876 hjälp", "19811218 9876"),
        ("Mormor 640823+3234 behöver hjälp", "640823+3234"),
        ("Personnummer: 640823 - 3234.", "640823 - 3234"),
        ("med en dash 640823–3234 också", "640823–3234"),
        ("Pnr:640823-3234", "640823-3234"),
        ("(640823-3234)", "640823-3234"),
    ],
)
def test_personnummer_formats(text: str, span: str) -> None:
    assert find_personal_data(text) == only(text, "personnummer", span)


def test_samordningsnummer_day_plus_sixty() -> None:
    nine = "850172123"  # 12 January 1985 + 60
    number = f"{nine[:6]}-{nine[6:]}{check_digit(nine)}"
    text = f"Samordningsnummer {number} från Skatteverket"
    assert find_personal_data(text) == only(text, "personnummer", number)


@pytest.mark.parametrize(
    "text",
    [
        "Organisationsnummer 556123-4567 (month 61)",
        "Orgnr 802400-1234 står på fakturan",
        "felaktigt 851332-1234 (day 32)",
        "felaktigt 850230-1234 (30 February)",
        "felaktigt 850192-1234 (day 92 = 32 + 60)",
        "felaktigt 19000229-1234 (1900 was no leap year)",
        "felaktigt 850100-1234 (day 0)",
    ],
)
def test_implausible_dates_are_not_personnummer(text: str) -> None:
    assert find_personal_data(text) == []


def test_29_february_in_a_leap_year_is_a_date() -> None:
    nine = "000229123"
    number = f"20{nine[:6]}-{nine[6:]}{check_digit(nine)}"  # 2000-02-29, twelve digits
    text = f"född {number} i Malmö"
    assert find_personal_data(text) == only(text, "personnummer", number)


@pytest.mark.parametrize("wrong", ["811218-9875", "19811218-9870", "640823 3231"])
def test_wrong_check_digit_is_still_scrubbed_as_personnummer(wrong: str) -> None:
    text = f"Mitt personnummer är {wrong} tror jag"
    assert find_personal_data(text) == only(text, "personnummer", wrong)


def test_compact_ten_digits_that_could_be_a_phone_number() -> None:
    nine = "070123456"  # 23 January 2007, and also shaped like a mobile number
    valid = nine + check_digit(nine)
    wrong = nine + str((int(check_digit(nine)) + 1) % 10)
    assert [f.kind for f in find_personal_data(f"nr {valid}")] == ["personnummer"]
    assert [f.kind for f in find_personal_data(f"nr {wrong}")] == ["phone"]


@pytest.mark.parametrize(
    "hetu",
    [
        "131052-308T",  # the example in the Finnish population register's documentation
        "010105A123" + hetu_check("010105", "123"),
        "311299-999" + hetu_check("311299", "999"),
    ],
)
def test_finnish_henkilotunnus(hetu: str) -> None:
    text = f"Henkilötunnukseni on {hetu} ja asun Ruotsissa."
    assert find_personal_data(text) == only(text, "personnummer", hetu)


# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "070-123 45 67",
        "0701234567",
        "070 123 45 67",
        "070-12 34 567",
        "070-1234567",
        "070 - 123 45 67",
        "070–123 45 67",
        "0707-12 34 56",
        "073 12 34 567",
        "070/123 45 67",
        "070.123.45.67",
        "08-606 71 32",
        "08 606 71 32",
        "(08) 606 71 32",
        "08-46500455",
        "031-123 45 67",
        "040-628 04 33",
        "0771-524 524",
        "020-50 50 50",
        "0980-319 250",
        "010-123 45 67",
        "+46 70 123 45 67",
        "+46701234567",
        "+46 (0)70-123 45 67",
        "+46-70-123 45 67",
        "0046 70 123 45 67",
        "0046701234567",
        "+358 40 123 4567",
        "00358 40 123 4567",
        "+49 151 23456789",
        "+40 721 234 567",
        "+381 64 123 4567",
        "+1 555 123 4567",
        "70 123 45 67",
    ],
)
def test_phone_formats(number: str) -> None:
    text = f"Ring mig på {number} efter kl 17."
    assert find_personal_data(text) == only(text, "phone", number)
    assert scrub(text) == f"Ring mig på {MARKER} efter kl 17."


@pytest.mark.parametrize("run", ["12345678901", "83279123456789", "1" * 40])
def test_other_long_digit_runs_are_scrubbed(run: str) -> None:
    text = f"Kundnummer {run} hos elbolaget"
    assert find_personal_data(text) == only(text, "phone", run)


# --- e-mail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "maria.lindberg@gmail.com",
        "nikola_p73@hotmail.se",
        "anna+skola@gmail.com",
        "j.taikon@telia.com",
        "handlaggare@skola.malmo.se",
        "ÅSA.ÖBERG@GMAIL.COM",
        "zoran-b@bredband.net",
        "maria@gmail",
        "maria at gmail dot com",
        "maria(at)gmail.com",
        "maria [at] gmail [dot] com",
        "maria (at) gmail (dot) com",
        "maria snabel-a telia punkt se",
    ],
)
def test_email_formats(address: str) -> None:
    text = f"Mejla {address}, tack."
    assert find_personal_data(text) == only(text, "email", address)


def test_email_keeps_trailing_full_stop() -> None:
    assert scrub("Mejla anna@gmail.com.") == f"Mejla {MARKER}."


# --- URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/maria.lindberg.73",
        "http://instagram.com/nikola_p",
        "www.forsakringskassan.se/privatpers",
        "https://kommun.se/boka?id=88231&namn=Sara",
        "facebook.com/rosa.kaldaras",
        "1177.se",
        "t.me/milan_rom",
        "spiegel.de/artikel",
        "https://sv.wikipedia.org/wiki/Romer_(folk)",
        "WWW.MINORITET.SE",
    ],
)
def test_url_formats(url: str) -> None:
    text = f"Se {url}."
    assert find_personal_data(text) == only(text, "url", url)


# --- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "Storgatan 12",
        "storgatan 12",
        "Första Långgatan 5B",
        "Norra Storgatan 8",
        "S:t Eriksgatan 117",
        "Drottningg. 3",
        "Sveav. 20",
        "Rinkebyvägen 4 lgh 1102",
        "Husbygårdsvägen 33, lgh 1204",
        "Rosengårdsgatan 5 A",
        "Järnvägsgatan 10-12",
        "Fittjagränd 9",
        "Stortorget 7",
        "Kärrtorps allé 12",
        "Rinkeby allé 4",
        "Gustav Adolfs torg 4",
        "Ekstigen 14",
        "Odenplan 5",
        "Skolbacken 2",
        "Vårbyvägen nr 5",
        "Mannerheimintie 5",
        "Mannerheimintie 5 A 12",
        "Hämeenkatu 10 B 12",
        "Koivukuja 4",
        "Itäkadulla 5",
        "lgh 1102",
        "lägenhet 1304",
        "lägenhetsnummer 1001",
    ],
)
def test_address_formats(address: str) -> None:
    text = f"Jag bor på {address} sedan i fjol."
    assert find_personal_data(text) == only(text, "address", address)


# --- hard negatives -----------------------------------------------------------------------------

HARD_NEGATIVES = [
    "Jag fick brevet 2024-05-01 och mötet var 2024-04-28.",
    "Beslutet kom 01-05-2024, datum 12.03.2024, och 1.5.2024.",
    "Mötet är den 8 april kl 14, tiden är 08:30.",
    "Öppet 08.30–17.00, kl 0800-1700, telefontid 09.00-11.00.",
    "Hyran är 12 000 kr i månaden och vi har 3 barn.",
    "Skulden är 150 000 kr, lönen 24 500 kr, 1 000 000 kr i skadestånd.",
    "Räntan är 3,5 % och avgiften 0,5 procent.",
    "Min son är född 2015 och är 9 år.",
    "Enligt 6 § språklagen och 4 kap. 1 § SoL.",
    "SFS 2009:724 och lagen (2009:600).",
    "Ärendet har dnr 400-2018:10682 hos IVO.",
    "Diarienummer KS 2021/00123, mål nr 1234-23, prop. 2017/18:199.",
    "LVU, LSS och SoL är lagar.",
    "Ring 112 om det är akut, 114 14 annars, 1177 för vård.",
    "BRIS 116 111, brottsofferjouren 116 006, Mind 90101.",
    "Postnummer 114 14 Stockholm, 163 71 Spånga.",
    "Jag bor på Kungsgatan men vet inte numret.",
    "Motorvägen 3 km bort, hela vägen 30 minuter.",
    "Enligt handlingsplan 2024 ska fler få tolk.",
    "Vi bodde på Storgatan 5 år.",
    "Lägenheten har 3 rum och kök, 75 kvm.",
    "Plan 3 i huset har inget vatten.",
    "T.ex. skolan, bl.a. förskolan, osv.",
    "Jag ringde igår.De sa att jag skulle vänta.",
    "Jag ringde igår.de sa att jag skulle vänta.",
    "Ses vi @ biblioteket?",
    "Version 2.5 av appen, betyget 3.5.",
    "Bankgiro 5050-1055 och fakturanummer 123456.",
    "Numret börjar på 070 men jag minns inte resten.",
    "Vi var 12-15 personer, under 2020-2021, mån 8-16.",
    "Skriv personnummer som ÅÅÅÅMMDD-XXXX.",
    "Kokous on 1.5.2024 kello 8.30, vuokra 950 euroa.",
    "Si man 3 čhave thaj o socialo na del amen love.",
    "Chavo si 12 bersh, akharav 112 kana si bida.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_are_kept(text: str) -> None:
    assert find_personal_data(text) == []
    assert scrub(text) == text


# --- several findings, ordering, scrub ----------------------------------------------------------


def test_several_kinds_in_one_message() -> None:
    text = (
        "Jag heter Milan, pnr 811218-9876, tel 070-123 45 67, "
        "mejl milan@gmail.com, bor på Tornvägen 8, se facebook.com/milan."
    )
    findings = find_personal_data(text)
    kinds = ["name", "personnummer", "phone", "email", "address", "url"]
    assert [f.kind for f in findings] == kinds
    assert scrub(text) == (
        f"Jag heter {MARKER}, pnr {MARKER}, tel {MARKER}, mejl {MARKER}, bor på {MARKER}, "
        f"se {MARKER}."
    )


def test_overlapping_candidates_are_merged_into_one_finding() -> None:
    text = "Länk www.exempel.se/0701234567 här"
    assert find_personal_data(text) == only(text, "url", "www.exempel.se/0701234567")


def test_marker_and_empty_text() -> None:
    assert MARKER == "[borttaget]"
    assert scrub("") == ""
    assert find_personal_data("") == []
    assert scrub(MARKER) == MARKER


# --- properties ---------------------------------------------------------------------------------

WORDS = [
    "Handläggaren",
    "ringde",
    "mig",
    "men",
    "jag",
    "var",
    "inte",
    "hemma",
    "skolan",
    "barnen",
    "förskolan",
    "hyran",
    "tack",
    "hej",
    "akhar",
    "man",
    "pe",
    "šukar",
    "čhavo",
    "bešav",
    "ando",
    "kher",
    "soita",
    "minulle",
    "kiitos",
    "asun",
    "Ruotsissa",
    "numero",
    "mitt",
    "nummer",
    "är",
]
SEPARATORS = [" ", ", ", ": ", " - ", "! ", "? "]

filler = st.lists(st.sampled_from(WORDS), min_size=0, max_size=6).map(" ".join)


@st.composite
def embedded(draw: st.DrawFn, value: st.SearchStrategy[str]) -> tuple[str, str, str]:
    """Draw (before, value, after): value between plain words and separators."""
    before = draw(filler)
    after = draw(filler)
    before = before + draw(st.sampled_from(SEPARATORS)) if before else ""
    after = draw(st.sampled_from(SEPARATORS)) + after if after else ""
    return before, draw(value), after


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    year = draw(st.integers(1900, 2025))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    if draw(st.booleans()):
        day += 60  # samordningsnummer
    serial = draw(st.integers(0, 999))
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    ten = nine + check_digit(nine)
    if draw(st.booleans()):  # twelve digits
        return f"{year // 100}{ten[:6]}{draw(st.sampled_from(['-', ' ', '']))}{ten[6:]}"
    return f"{ten[:6]}{draw(st.sampled_from(['-', '+', ' ', '']))}{ten[6:]}"


def digit_groups(digits: str, sizes: list[int], separator: str) -> str:
    groups, position = [], 0
    for size in sizes:
        groups.append(digits[position : position + size])
        position += size
    groups.append(digits[position:])
    return separator.join(group for group in groups if group)


@st.composite
def swedish_phone(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["mobile", "landline", "international"]))
    if kind == "mobile":
        digits = (
            "07"
            + draw(st.sampled_from("02369"))
            + draw(st.text("0123456789", min_size=7, max_size=7))
        )
        area = 3
    else:
        area_code = draw(st.sampled_from(["08", "031", "040", "0771", "020", "016", "0980"]))
        rest = draw(st.integers(max(5, 8 - len(area_code)), 10 - len(area_code)))
        digits = area_code + draw(st.text("0123456789", min_size=rest, max_size=rest))
        area = len(area_code)
    subscriber = digits[area:]
    style = draw(st.sampled_from(["compact", "dash", "spaced", "pairs"]))
    if style == "compact":
        national = digits
    elif style == "dash":
        national = f"{digits[:area]}-{subscriber}"
    elif style == "spaced":
        national = f"{digits[:area]} {digit_groups(subscriber, [3, 2], ' ')}"
    else:
        national = f"{digits[:area]}-{digit_groups(subscriber, [2, 2, 2], ' ')}"
    if kind == "international":
        return "+46 " + national[1:].lstrip("-")
    return national


@st.composite
def email_address(draw: st.DrawFn) -> str:
    word = st.text("abcdefghijklmnopqrstuvwxyzåäö0123456789_-", min_size=1, max_size=10)
    local = draw(st.lists(word, min_size=1, max_size=3))
    domain = draw(st.sampled_from(["gmail.com", "hotmail.se", "telia.com", "skola.malmo.se"]))
    return ".".join(local) + "@" + domain


@settings(max_examples=300)
@given(embedded(personnummer()))
def test_property_personnummer_disappears(parts: tuple[str, str, str]) -> None:
    before, number, after = parts
    assert scrub(before + number + after) == before + MARKER + after


@settings(max_examples=300)
@given(embedded(swedish_phone()))
@example(("Ring ", "070-123 45 67", " tack"))
def test_property_phone_disappears(parts: tuple[str, str, str]) -> None:
    before, number, after = parts
    assert scrub(before + number + after) == before + MARKER + after


@settings(max_examples=200)
@given(embedded(email_address()))
def test_property_email_disappears(parts: tuple[str, str, str]) -> None:
    before, address, after = parts
    assert scrub(before + address + after) == before + MARKER + after


@given(filler)
def test_property_plain_words_are_kept(text: str) -> None:
    assert scrub(text) == text


# Text rich in the characters the patterns care about, to shake out edge cases.
TOKENS = [
    *"0123456789 0-+().,:/@_Aäx\u00a0–\n٣",
    *("07", "+46", "gatan ", "Storgatan ", "www.", ".se", " at ", " dot ", "(at)", "lgh ", "nr "),
    *("850101", "-1234", "kl ", "§", MARKER),
]
tricky_text = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
any_text = st.one_of(
    st.text(max_size=200), tricky_text, st.lists(tricky_text, max_size=4).map("".join)
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_property_findings_are_sorted_non_overlapping_and_in_bounds(text: str) -> None:
    findings = find_personal_data(text)
    position = 0
    for finding in findings:
        assert finding.kind in KINDS
        assert position <= finding.start < finding.end <= len(text)
        position = finding.end


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_property_scrub_never_raises_and_leaves_no_long_digit_run(text: str) -> None:
    result = scrub(text)
    assert isinstance(result, str)
    assert re.search(r"\d{10,}", result) is None


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_property_scrub_is_idempotent(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


def corpus_texts() -> list[str]:
    return [example.text for example in load_corpus(DEFAULT_CORPUS)]


@pytest.mark.parametrize("text", corpus_texts())
def test_scrub_is_idempotent_on_the_corpus(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


# --- adversarial input --------------------------------------------------------------------------

PATHOLOGICAL = {
    "digits": "1" * 10_000,
    "zeros": "0" * 10_000,
    "spaced digits": "1 " * 5_000,
    "dashed zeros": "0-" * 5_000,
    "phone prefixes": "+46 " * 2_500,
    "parentheses": "(0" * 5_000,
    "at signs": "a@" * 5_000,
    "long local part": "a" * 9_999 + "@",
    "dotted labels": "a@" + "b." * 4_999,
    "dots": "a." * 5_000,
    "www": "www." * 2_500,
    "obfuscated at": "a at " * 2_000,
    "obfuscated brackets": "a (at) b (dot) " * 666,
    "streets": "Storgatan " * 1_000,
    "streets with numbers": "Storgatan 1 " * 833,
    "one long word": "å" * 9_990 + "gatan 1",
    "capitalised words": "Gustav " * 1_428,
    "apartments": "lgh " * 2_500,
    "half personnummer": "010101-" * 1_428,
    "mixed": "070-1 a.b@c (0) +4 6 lgh 12 " * 370,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_input_completes(name: str) -> None:
    text = PATHOLOGICAL[name]
    assert len(text) >= 9_990
    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(scrub(text)), daemon=True)
    worker.start()
    worker.join(timeout=60)  # a bound, not a timing assertion: a hang would be minutes or more
    assert not worker.is_alive(), f"scrub did not finish on {name!r}"
    assert len(result) == 1


# --- corpus -------------------------------------------------------------------------------------

# Deliberately wrong check digits in the corpus (labelled personnummer by decision).
CORPUS_WRONG_CHECK_DIGITS = {"790213-3114", "200905210242", "1104066432", "20111024-1169"}


def test_corpus_size_and_variety() -> None:
    examples = load_corpora(default_corpora())
    assert len(examples) >= 250
    kinds = [span.kind for example in examples for span in example.gold]
    for kind in KINDS:
        assert kinds.count(kind) >= 15, kind
    negatives = [example for example in examples if not example.gold]
    assert len(negatives) >= 100


def test_corpus_personnummer_have_correct_check_digits() -> None:
    wrong = set()
    for item in load_corpus(DEFAULT_CORPUS):
        for span in item.gold:
            if span.kind != "personnummer":
                continue
            text = plain_digits(item.text[span.start : span.end])
            finnish = re.fullmatch(r"(\d{6})[-+A-FU-Y](\d{3})([0-9A-Y])", text.upper())
            if finnish and hetu_check(finnish[1], finnish[2]) == finnish[3].upper():
                continue
            digits = re.sub(r"\D", "", text)
            assert len(digits) in (10, 12), text
            if digits[-1] != check_digit(digits[-10:-1]):
                wrong.add(text)
    assert wrong == CORPUS_WRONG_CHECK_DIGITS


def test_corpus_recall_and_precision() -> None:
    report = evaluate(DEFAULT_CORPUS)
    for kind in ("personnummer", "phone", "email", "url"):
        recall = report.kind(kind).recall
        assert recall is not None and recall >= 0.99, (kind, report.format())
    address_recall = report.kind("address").recall
    assert address_recall is not None and address_recall >= 0.95, report.format()
    precision = report.overall.precision
    assert precision is not None and precision >= 0.95, report.format()


# --- evaluation code ----------------------------------------------------------------------------


def test_parse_line_removes_labels_and_keeps_offsets() -> None:
    example = parse_line("Ring ⟦phone:070-123 45 67⟧ eller ⟦email:a@b.se⟧ nu", 7)
    assert example.text == "Ring 070-123 45 67 eller a@b.se nu"
    assert [(g.kind, example.text[g.start : g.end]) for g in example.gold] == [
        ("phone", "070-123 45 67"),
        ("email", "a@b.se"),
    ]
    assert example.line_no == 7


@pytest.mark.parametrize("line", ["⟦nosuchkind:x⟧", "⟦phone:070⟧ ⟧", "⟦phone 070⟧"])
def test_parse_line_rejects_malformed_labels(line: str) -> None:
    with pytest.raises(ValueError):
        parse_line(line)


def test_evaluate_counts_misses_false_positives_and_kinds(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(
        "# comment\n"
        "\n"
        "Ring ⟦phone:070-123 45 67⟧ tack\n"  # found, right kind
        "pnr ⟦phone:8112189876⟧\n"  # found, but as personnummer: recall yes, typed no
        "Vi bor ⟦address:bakom skolan⟧\n"  # not an address the scrubber knows: missed
        "Mejla anna@gmail.com\n",  # unlabelled: a false positive
        encoding="utf-8",
    )
    report = evaluate(corpus)
    assert report.examples == 4
    phone = report.kind("phone")
    assert (phone.gold, phone.found, phone.found_same_kind) == (2, 2, 1)
    assert (phone.predicted, phone.true_positives) == (1, 1)
    assert report.kind("personnummer").predicted == 1
    assert report.kind("personnummer").precision == 1.0
    assert report.kind("personnummer").recall is None
    address = report.kind("address")
    assert (address.gold, address.found, address.recall) == (1, 0, 0.0)
    assert report.kind("email").precision == 0.0
    assert report.overall.gold == 3 and report.overall.predicted == 3
    assert report.overall.true_positives == 2
    assert [(m.line_no, m.text) for m in report.misses] == [(5, "bakom skolan")]
    assert [(f.line_no, f.kind, f.text) for f in report.false_positives] == [
        (6, "email", "anna@gmail.com")
    ]
    table = report.format()
    assert "address" in table and "0.0%" in table and "anna@gmail.com" in table


def test_partial_coverage_is_a_miss(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Jag bor på ⟦address:Storgatan 12 trappa B⟧\n", encoding="utf-8")
    report = evaluate(corpus)
    assert report.kind("address").found == 0
    assert report.overall.true_positives == 1  # the finding overlaps the gold span


def test_main_prints_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    output = capsys.readouterr().out
    assert "personnummer" in output and "overall" in output and "precision" in output


def test_main_reports_a_missing_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "missing.txt")]) == 2
    assert "cannot read corpus" in capsys.readouterr().err
