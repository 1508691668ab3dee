"""Find people's names in Swedish, Finnish and Romani free text.

A name is found from its context or from the name lists (data/first_names.txt,
data/surnames.txt), never from a capital letter alone:

1. Context. After a self-introduction ("jag heter", "mitt namn är", "nimeni on", "mo anav si",
   "miro nav si") the next word is a name even in lower case and even if no list has it.
   After a weaker one ("jag är", "det är", "olen", "tässä", "me sem", "tack", sign-offs such
   as "mvh" and "terveisin"), a title or kinship word ("handläggaren", "rektorn",
   "sosiaalityöntekijä", "poikani", "mo čhavo", "mi dej"), "familjen"/"perhe", or a Romani
   article before a capital ("o Stefan", "e Rodica"), the next word is a name if it has a
   capital letter or is a listed name. Finnish "X:n perhe" and "X-niminen" name the word before.
2. Lists. A listed name is a name; in lower case only when it is not also an everyday word
   (data/common_words.txt: "love", "bo", "onni", "laine" ...). An everyday-word name needs a
   capital letter in the middle of a sentence. Case endings are undone before the lookup:
   Swedish genitive -s, Finnish cases with consonant gradation and -nen stems ("Marjalle",
   "Pekalta", "Virtaselle", "Korhosta", "Lindbergistä"), Romani cases ("Draganeske",
   "Mariasa", "Milanestar", "Draganesko").
3. Shape. A capitalised word in the middle of a sentence ending like a surname (-sson, -ović,
   -escu, -inen, -berg, -ström, -gren, -qvist) is a name.
4. Pairs. A capitalised word right next to a name (or joined by a hyphen) is part of it:
   "Zlatan Demirović", "Ann-Christin"; two capitalised words in a row in the middle of a
   sentence, neither of them a kept word, an everyday word, a title or a street, are a name
   even if no list has them ("Xhevdet Qorri").

Words the bot itself uses (data/keep.txt: municipalities, authorities, places, weekdays,
months, topic words), also with a case ending ("Haningessa", "Kronofogdenosa"), are never
names unless a title, introduction or "familjen" comes right before them and they are also a
listed name ("familjen Lund"). Acronyms of up to three letters (JO, DO, IVO) and the scrub
marker itself are never names. Matching folds case and diacritics ("Ștefan" = "stefan",
"Åkerlund" = "akerlund"). The lists are read once, at import.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files
from typing import Final

from bot.privacy.scrubber.patterns import RANK_NAME, Candidate, is_street_word

__all__ = ["find_name_candidates", "fold", "is_listed_name"]


# --- folding -------------------------------------------------------------------------------------


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            table[code] = base.lower()
    extra = {"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae"}
    extra |= {"œ": "oe", "ı": "i", "ð": "d", "þ": "th", "’": "'", "ß": "ss"}
    table.update({ord(key): value for key, value in extra.items()})
    return table


_FOLD: Final = _fold_table()


def fold(word: str) -> str:
    """Lower case without diacritics: "Ștefan" -> "stefan", "Åkerlund" -> "akerlund"."""
    return word.lower().translate(_FOLD)


# --- data ----------------------------------------------------------------------------------------


def _read_words(name: str, phrases: bool = False) -> frozenset[str]:
    """The folded words of a data file (comments start with "#")."""
    text = (files("bot.privacy.scrubber") / "data" / name).read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        for word in line.split("#", 1)[0].split():
            if phrases:  # "upplands-bro", "minoritet.se": each part is kept
                words.update(fold(part) for part in re.split(r"[-.]", word) if part)
            else:
                words.add(fold(word))
    return frozenset(words)


_FIRST: Final = _read_words("first_names.txt")
_SURNAMES: Final = _read_words("surnames.txt")
# Hyphenated first names ("anna-karin") are also looked up part by part.
_NAMES: Final = frozenset(
    {*_FIRST, *_SURNAMES, *(part for name in _FIRST | _SURNAMES for part in name.split("-"))}
)
_COMMON: Final = _read_words("common_words.txt")
_KEEP: Final = _read_words("keep.txt", phrases=True)

# --- context words (folded) ----------------------------------------------------------------------

# Self-introductions after which the next word is a name even in lower case.
_STRONG_INTROS: Final = frozenset(
    {
        ("heter",),
        ("hette",),
        ("namn", "ar"),
        ("namnet", "ar"),
        ("nimeni", "on"),
        ("nimi", "on"),
        ("nimensa", "on"),
        ("nimeltaan",),
        ("nimelta",),
        ("anav", "si"),
        ("nav", "si"),
        ("alav", "si"),
        ("buchol", "ma"),
        ("buchol", "man"),
        ("akharen", "ma"),
        ("akharen", "man"),
    }
)
# After these the next word is a name if it is capitalised or listed.
_WEAK_INTROS: Final = frozenset(
    {
        ("jag", "ar"),
        ("det", "ar"),
        ("har", "ar"),
        ("kallas",),
        ("mvh",),
        ("halsningar",),
        ("terveisin",),
        ("tack",),
        ("tacka",),
        ("kiitos",),
        ("olen",),
        ("tassa",),
        ("me", "sem"),
        ("me", "sim"),
        ("me", "som"),
        ("sem",),
        ("sim",),
        ("tack", "till"),
        ("halsa", "till"),
    }
)
# Titles and professions, matched inside a word ("biståndshandläggaren", "sosiaalityöntekijälle").
_TITLE_ROOTS: Final = (
    "handlaggar",
    "rektor",
    "sekreterar",
    "larare",
    "lararen",
    "lararinna",
    "froken",
    "kurator",
    "doktor",
    "lakare",
    "lakaren",
    "skoterska",
    "brobyggar",
    "advokat",
    "jurist",
    "mentor",
    "assistent",
    "hyresvard",
    "vaktmastar",
    "pedagog",
    "psykolog",
    "handledar",
    "samordnar",
    "ordforande",
    "kontaktperson",
    "tyontekija",
    "kasittelija",
    "rehtori",
    "opettaja",
    "laakari",
    "hoitaja",
    "virkailija",
    "ohjaaja",
    "kuraattori",
    "sikavn",
    "sicarn",
    "sicaritor",
    "doktor",
)
# Titles, kinship and other person words matched as whole words.
_PERSON_WORDS: Final = frozenset(
    {
        *("tolk", "tolken", "chef", "chefen", "prast", "prasten", "pastor", "pastorn", "herr"),
        *("fru", "frun", "granne", "grannen", "kollega", "kollegan", "kompis", "kompisen"),
        *("son", "sonen", "dotter", "dottern", "man", "mannen", "mamma", "pappa", "mor", "far"),
        *("bror", "brorsan", "syster", "kusin", "moster", "faster", "morbror", "farbror"),
        *("farmor", "mormor", "farfar", "morfar", "svarmor", "sambo", "pojkvan", "flickvan"),
        *("pojke", "pojken", "flicka", "flickan", "tjej", "tjejen", "kille", "killen"),
        *("van", "vannen", "barn", "barnbarn", "tolkki", "tulkki", "naapuri", "esimies", "pappi"),
        *("herra", "rouva", "neiti", "johtaja", "ystava", "ystavani", "poikani", "tyttareni"),
        *("mieheni", "vaimoni", "aitini", "isani", "veljeni", "siskoni", "sisareni", "mummoni"),
        *("mummuni", "pappani", "lapseni", "serkkuni", "setani", "tatini", "enoni", "poika"),
        *("handlaggari", "handlaggarka", "rektori", "socialo", "sociali", "doktoro", "doktorka"),
        *("tolko", "chavo", "chaj", "cavo", "caj", "romni", "dej", "daj", "dad", "phral", "phen"),
        *("bibi", "kako", "papo", "mami", "amal", "amalin", "sikavno", "sikavni"),
    }
)
# "rom" is a husband only after a possessive: "mo rom Vasile", "lako rom Adrian".
_ROM_POSSESSIVES: Final = frozenset({"mo", "miro", "lako", "lesko", "muro", "tiro", "amaro"})
_FAMILY: Final = frozenset(
    {"familjen", "familj", "fam", "familija", "familia", "familje", "perhe", "suku", "slakten"}
)
_ARTICLES: Final = frozenset({"o", "e", "le", "la"})
# Every word that can start or end a context, so the scan can skip all other words.
_CONTEXT_WORDS: Final = frozenset(
    {
        *(word for intro in _STRONG_INTROS | _WEAK_INTROS for word in intro),
        *_FAMILY,
        *_ARTICLES,
        "rom",
    }
)
_SURNAME_ENDINGS: Final = (
    "sson",
    "ovic",
    "evic",
    "escu",
    "eanu",
    "inen",
    "ainen",
    "berg",
    "strom",
    "gren",
    "qvist",
    "kvist",
    "quist",
)

# Finnish words shaped like -nen surnames: verbal nouns and adjectives ("tapaaminen",
# "viranomainen", "suomenkielinen", "kielteinen", "erityinen", "nainen").
_NOT_SURNAME_ENDINGS: Final = (
    "minen",
    "llinen",
    "kielinen",
    "nainen",
    "omainen",
    "teinen",
    "yinen",
)

# --- case endings --------------------------------------------------------------------------------

# Finnish cases (after folding: ä -> a, ö -> o); "i"-forms follow a consonant ("Lindbergille").
_FI_ENDINGS: Final = (
    *("n", "lle", "lta", "lla", "sta", "ssa", "ksi", "na", "a", "ta", "t", "iin", "aan", "een"),
    *("in", "ille", "ilta", "illa", "ista", "issa", "iksi", "ina", "ia", "it", "ineen", "ssa"),
)
# Endings of -nen names: Virtanen -> Virtasen, Virtaselle, Korhosta.
_FI_NEN_ENDINGS: Final = ("sen", "selle", "selta", "sella", "sesta", "sessa", "seksi", "sena")
_FI_NEN_ENDINGS2: Final = ("sta", "set", "sia")
_ROM_ENDINGS: Final = (
    *("eske", "ske", "ake", "ke", "esa", "asa", "sa", "osa", "estar", "atar", "star", "tar"),
    *("esko", "ako", "ko", "akoro", "eskoro", "es", "oske", "ostar"),
)
_ALL_ENDINGS: Final = frozenset((*_FI_ENDINGS, *_ROM_ENDINGS, "s", "'s"))
_GRADATION: Final = frozenset("ktp")
_VOWELS: Final = frozenset("aeiouy")


def _bases(key: str) -> list[str]:
    """Possible uninflected forms of a folded word."""
    bases: list[str] = []
    for length in range(1, 7):
        if len(key) - length < 3:
            break
        ending = key[-length:]
        stem = key[:-length]
        if ending in _ALL_ENDINGS:
            bases.append(stem)
            # consonant gradation: Pekalta -> Peka -> Pekka, Matille -> Matti, Mikon -> Mikko
            if len(stem) >= 3 and stem[-1] in _VOWELS and stem[-2] in _GRADATION:
                bases.append(stem[:-1] + stem[-2] + stem[-1])
        if ending in _FI_NEN_ENDINGS or ending in _FI_NEN_ENDINGS2:
            bases.append(stem + "nen")
    return bases


_NONE: Final = 0
_AMBIGUOUS: Final = 1
_STRONG: Final = 2


@lru_cache(maxsize=65_536)
def _classify(key: str) -> tuple[int, bool, bool, bool]:
    """(name strength, inflected, long base, kept word) of a folded word; cached, words repeat.

    An inflected everyday-word name ("Forsta" from Fors) is no name: too many ordinary words
    end like that. In lower case an inflected name needs a longer base ("marias" but not
    "klass" from Klas).
    """
    if key in _KEEP:
        return _NONE, False, False, True
    if key in _NAMES:
        return (_AMBIGUOUS if key in _COMMON else _STRONG), False, True, False
    bases = _bases(key)
    if any(base in _KEEP for base in bases):
        return _NONE, False, False, True
    for base in bases:
        if base in _NAMES and base not in _COMMON:
            return _STRONG, True, len(base) >= 5, False
    return _NONE, False, False, False


def is_listed_name(word: str) -> bool:
    """True if ``word`` (any case, any listed case ending) is in the name lists."""
    return _classify(fold(word))[0] != _NONE


# --- the scan ------------------------------------------------------------------------------------


def _is_person_word(key: str) -> bool:
    """A title, profession or kinship word ("handläggaren", "poikani", "mo čhavo")."""
    return key in _PERSON_WORDS or (len(key) >= 5 and any(root in key for root in _TITLE_ROOTS))


_TOKEN: Final = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_BREAK: Final = frozenset('.!?\n:;"“”«»•/')
_JOINING_GAPS: Final = frozenset({" ", "-", "\u00a0"})
_CONTEXT_GAP: Final = re.compile(r"[\s:,\-]*")


@lru_cache(maxsize=65_536)
def _word_info(word: str) -> tuple[str, tuple[int, bool, bool, bool], bool, bool, bool, bool]:
    """(folded key, `_classify`, person word, capitalised, acronym, context word); cached."""
    key = fold(word)
    acronym = word.isupper() and len(word) <= 3
    capital = word[0].isupper() and not acronym
    person = _is_person_word(key)
    context = person or key in _CONTEXT_WORDS or key.startswith(("perhe", "nimi"))
    return key, _classify(key), person, capital, acronym, context


def find_name_candidates(text: str, out: list[Candidate]) -> None:
    """Append the names in (normalised) ``text`` to ``out``, adjacent name words as one span."""
    tokens: list[tuple[int, int]] = []
    keys: list[str] = []
    classes: list[tuple[int, bool, bool, bool]] = []
    person_word: list[bool] = []
    capital: list[bool] = []
    acronym: list[bool] = []
    gaps: list[str] = []
    initial: list[bool] = []
    marker: list[bool] = []
    context_words: list[int] = []
    relevant = False
    previous_end = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        key, classified, person, cap, acr, context = _word_info(match.group())
        if context:
            context_words.append(len(tokens))
        relevant = relevant or context or cap or classified[0] != _NONE
        gap = text[previous_end:start]
        initial.append(not tokens or (gap != " " and not _SENTENCE_BREAK.isdisjoint(gap)))
        marker.append(start > 0 and text[start - 1] == "[" and text[end : end + 1] == "]")
        tokens.append((start, end))
        keys.append(key)
        classes.append(classified)
        person_word.append(person)
        capital.append(cap)
        acronym.append(acr)
        gaps.append(gap)
        previous_end = end
    if not relevant:  # no capital, no listed name, no context word: nothing to find
        return
    count = len(tokens)
    kept = [entry[3] for entry in classes]
    name = [False] * count

    def usable(i: int) -> bool:
        return not marker[i] and not acronym[i]

    def plain_capital(i: int) -> bool:
        """A capitalised word that is nothing else: not kept, common, a title or a marker."""
        return (
            capital[i]
            and usable(i)
            and not kept[i]
            and not person_word[i]
            and keys[i] not in _COMMON
            and len(keys[i]) >= 2
            and not is_street_word(text[tokens[i][0] : tokens[i][1]])
        )

    def context_name(i: int, strong: bool) -> bool:
        """Whether token i, right after a context word, is a name."""
        if not usable(i) or person_word[i]:
            return False
        strength = classes[i][0]
        if kept[i]:
            return keys[i] in _NAMES
        if capital[i] or strength == _STRONG:
            return True
        return strong and len(keys[i]) >= 2 and keys[i] not in _COMMON

    def mark_after(i: int, strong: bool) -> None:
        """Token i starts a name after a context word: mark it and capitalised words after it."""
        if i < count and keys[i] in _ARTICLES and i + 1 < count:
            i += 1  # "me sem e Dragana", "o Nicolae"
        if i >= count or not _CONTEXT_GAP.fullmatch(gaps[i]) or not context_name(i, strong):
            return
        name[i] = True

    for i in context_words:
        key = keys[i]
        nxt = i + 1
        if nxt < count:
            pair = (keys[i - 1], key) if i and gaps[i].strip() == "" else None
            if (key,) in _STRONG_INTROS or pair in _STRONG_INTROS:
                mark_after(nxt, True)
            elif (
                (key,) in _WEAK_INTROS
                or pair in _WEAK_INTROS
                or person_word[i]
                or key in _FAMILY
                or (key == "rom" and i and keys[i - 1] in _ROM_POSSESSIVES)
            ):
                mark_after(nxt, False)
            elif (
                key in _ARTICLES
                and gaps[nxt] == " "
                and capital[nxt]
                and usable(nxt)
                and not kept[nxt]
                and not person_word[nxt]
            ):
                name[nxt] = True  # Romani articles go with personal names: "o Stefan"
        if (
            key.startswith("perhe")
            and i
            and capital[i - 1]
            and keys[i - 1].endswith("n")
            and not kept[i - 1]
            and keys[i - 1] not in _COMMON
        ):
            name[i - 1] = usable(i - 1)  # "Hagertin perhe"
        if key.startswith("nimi") and i and gaps[i] == "-" and capital[i - 1]:
            name[i - 1] = usable(i - 1)  # "Nieminen-niminen"
    for i in range(count):
        if name[i] or not usable(i):
            continue
        strength, inflected, long_base, _ = classes[i]
        if kept[i]:
            continue
        if strength == _STRONG:
            name[i] = capital[i] or not inflected or long_base
        elif strength == _AMBIGUOUS:
            name[i] = capital[i] and not initial[i]
        elif capital[i] and not initial[i] and keys[i].endswith(_SURNAME_ENDINGS):
            name[i] = len(keys[i]) >= 6 and not keys[i].endswith(_NOT_SURNAME_ENDINGS)
    # Two unknown capitalised words in a row in the middle of a sentence: "Xhevdet Qorri".
    for i in range(1, count):
        if (
            gaps[i] == " "
            and not initial[i - 1]
            and plain_capital(i - 1)
            and plain_capital(i)
            and not (name[i - 1] or name[i])
        ):
            name[i - 1] = name[i] = True
    # Pairs: a capitalised (or listed) word next to a name is part of it.
    changed = any(name)
    while changed:
        changed = False
        for i in range(count):
            if name[i]:
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < count or not name[j]:
                    continue
                gap = gaps[max(i, j)]
                if gap not in _JOINING_GAPS or not usable(i) or person_word[i]:
                    continue
                strength = classes[i][0]
                listed = keys[i] in _NAMES  # also a kept word: "Anna Berg", "Maria Lund"
                if (
                    strength == _STRONG
                    or (listed and (capital[i] or classes[j][0] == _STRONG))
                    or (plain_capital(i) and not initial[i])
                ):
                    name[i] = changed = True
                    break
    index = 0
    while index < count:
        if not name[index]:
            index += 1
            continue
        start, end = tokens[index]
        index += 1
        while index < count and name[index] and gaps[index] in _JOINING_GAPS:
            end = tokens[index][1]
            index += 1
        out.append((start, end, RANK_NAME, "name"))
