from __future__ import annotations

import pytest

from bot.search.analyse import (
    RomaniAnalyser,
    SnowballAnalyser,
    default_analysers,
    finnish_key,
    romani_stem,
    split_compound,
    swedish_key,
)
from bot.search.normalise import (
    ascii_fold,
    keep_nordic,
    romani_normalise,
    script_languages,
    tokenize,
)


@pytest.mark.parametrize(
    ("variants", "canonical"),
    [
        (["čhavo", "chavo", "tjavo", "tšhavo", "chhavo", "ćhavo", "tjhavo", "ČHAVO"], "cavo"),
        (["šukar", "shukar", "sjukar", "schukar"], "sukar"),
        (["žuvli", "zhuvli", "džuvli", "dzhuvli"], "zuvli"),
        (["xabe", "habe"], "habe"),
        (["kai", "kaj"], "kaj"),
        (["t'aven", "t’aven", "taven"], "taven"),
        (["sociálo", "socialo", "soccialo"], "socialo"),
        (["lovve", "love"], "love"),
        (["pačiv", "patjiv", "pachiv"], "paciv"),
    ],
)
def test_romani_spellings_meet(variants: list[str], canonical: str) -> None:
    assert {romani_normalise(v) for v in variants} == {canonical}


def test_folding_keeps_nordic_letters_for_stemming_only() -> None:
    assert keep_nordic("Försörjningsstöd Café ÅÄÖ Øre") == "försörjningsstöd cafe åäö öre"
    assert ascii_fold("Försörjningsstöd Café ÅÄÖ") == "forsorjningsstod cafe aao"


def test_tokenize() -> None:
    assert tokenize("Anmälan till DO:lle, huoli-ilmoitus; T'aven baxtale! 1177:ään čhavo") == [
        "anmälan",
        "till",
        "do",
        "huoli",
        "ilmoitus",
        "taven",
        "baxtale",
        "1177",
        "čhavo",
    ]
    assert tokenize("?! 👋 ...") == []


def test_script_languages() -> None:
    assert script_languages("läkare") == (True, False)  # å/ä/ö: not Romani
    assert script_languages("čhavo") == (False, True)  # č/š/ž: not Swedish or Finnish
    assert script_languages("chavo") == (True, True)  # could be anything


def test_swedish_stems_meet_with_and_without_diacritics() -> None:
    sv = SnowballAnalyser("sv", "swedish", swedish_key)
    forms = ["socialtjänsten", "socialtjänst", "socialtjansten"]
    common = set.intersection(*(set(sv.terms(f)) for f in forms))
    assert common
    assert set(sv.terms("utredning")) & set(sv.terms("utreda"))
    assert set(sv.terms("förskolan")) & set(sv.terms("förskola"))
    assert set(sv.terms("barnet")) & set(sv.terms("barn"))


def test_finnish_stems_meet_across_cases_and_gradation() -> None:
    fi = SnowballAnalyser("fi", "finnish", finnish_key)
    assert set(fi.terms("toimeentulotuki")) & set(fi.terms("toimeentulotukea"))
    assert set(fi.terms("asunto")) & set(fi.terms("asunnon"))
    assert set(fi.terms("ilmoitus")) & set(fi.terms("ilmoituksen"))
    assert set(fi.terms("äidinkielen")) & set(fi.terms("aidinkielen"))


def test_stem_keys() -> None:
    assert swedish_key("placering") == "placer"
    assert swedish_key("roman") == "roman"  # too short to lose -an
    assert finnish_key("ilmoituks") == "ilmoitus"


def test_romani_light_stemming() -> None:
    rom = RomaniAnalyser()
    assert rom.terms("čhavo") == rom.terms("čhave") == rom.terms("chaven") == rom.terms("tjavo")
    assert rom.terms("phurenge") == rom.terms("phuro")
    assert romani_stem("kher") == "kher"  # no ending to strip
    assert romani_stem("lil") == "lil"  # never below three letters


def test_digits_stay_terms() -> None:
    for analyser in default_analysers().values():
        assert analyser.terms("1177") == ("1177",)


def test_split_compound() -> None:
    known = {"modersmål", "undervisning", "försörjning", "stöd", "toimeentulo", "tuki"}
    assert split_compound("modersmålsundervisning", known.__contains__) == (
        "modersmål",
        "undervisning",
    )
    assert split_compound("försörjningsstöd", known.__contains__) == ("försörjning", "stöd")
    assert split_compound("toimeentulotuki", known.__contains__) == ("toimeentulo", "tuki")
    assert split_compound("barnet", known.__contains__) is None
