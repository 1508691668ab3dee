"""Find and remove personal data in free text before it is stored.

Residents type feedback and search questions in Swedish, Finnish and Romani chib. Before any of
that text is written anywhere, `scrub` replaces every personal identifier it finds by `MARKER`.
The code is plain Python (no Telegram), deterministic, and every regular expression is compiled
at import time and written so that it cannot backtrack catastrophically: each repetition is
either bounded or separated by a mandatory delimiter, and most patterns may only start at the
beginning of a word or number (negative look-behind), so a scan is linear in the text length.
Addresses and e-mail addresses are found from their anchor (the house number, the "@") with a
little Python around the regular expressions. A short message takes some tens of microseconds.

What is found (`Finding.kind`):

``personnummer``
    Swedish personnummer and samordningsnummer (day + 60) written YYMMDD-NNNC, YYMMDD+NNNC,
    YYYYMMDD-NNNC, with a space or nothing instead of the dash, 10 or 12 digits; the date must be
    plausible. Finnish henkilötunnus (DDMMYY-NNNC, DDMMYYANNNC) is reported with the same kind;
    with "-" or "+" it needs a correct check character (otherwise it looks like any Swedish
    6+4 number), with a century letter (A-F, U-Y) a plausible date is enough.
``phone``
    Swedish numbers in national form (07x mobiles, 08-, 031-, 0771-, 020- ..., 8 to 10 digits,
    spaces, dashes, dots, slashes and "(08)" allowed), mobiles without the leading 0 in the usual
    grouping ("70 123 45 67"), international numbers (+46 70 ..., 0046 ..., +358 40 ...,
    +46 (0)70 ...), and any other run of 10 or more consecutive digits (an account, invoice or
    customer number is as identifying as a phone number).
``email``
    Ordinary addresses, also without a top-level domain ("namn@gmail"), and obfuscated ones:
    "namn at gmail dot com", "namn(at)gmail.com", "namn snabel-a telia punkt se".
``url``
    http(s):// and www. addresses, and bare domains with a known top-level domain
    ("facebook.com/namn", "1177.se"). A URL can name a person (a profile link), so all URLs go.
``address``
    A street name followed by a house number: Swedish compounds ending in -gatan, -vägen,
    -gränd, -torget, -allén, -stigen, -plan, -backen, -leden ... ("Storgatan 12",
    "Första Långgatan 5B", "Rinkeby allé 4", "Drottningg. 3", "Rinkebyvägen 4 lgh 1102"),
    "Vårbyvägen nr 5", Finnish ones ending in -katu, -tie, -kuja ... also inflected
    ("Mannerheimintie 5 A 12", "Itäkadulla 5"), and apartment numbers on their own
    ("lgh 1102", "lägenhet 1102"). Numbers followed by a unit are not house numbers
    ("motorvägen 3 km", "Storgatan 5 år").

Decisions (the corpus in tests/privacy/scrubber_corpus.txt is labelled the same way):

* A personnummer-shaped number with a plausible date but a wrong check digit is still scrubbed
  as ``personnummer``: it is most likely a mistyped id. Privacy beats precision for long digit
  runs. A 10-digit string that is both a valid personnummer (Luhn) and shaped like a Swedish
  phone number (0701234567) is reported as ``personnummer``; with a wrong check digit it is a
  ``phone``. Either way it is removed.
* Short public service numbers are kept: 112, 114 14, 1177, 116 111, 116 006, 90101 ... They
  are not personal data and do not have the shape of a subscriber number. Public numbers that do
  look like any other number (020-50 50 50, 0771-524 524, 08-508 000 00) are scrubbed: we cannot
  tell a public number from a private one by its shape, and losing it costs little because the
  resident usually names the organisation as well.
* Postcodes ("114 14", "163 71 Spånga") are kept: a postcode area covers hundreds of households
  and is useful for municipal statistics. A street with a house number is scrubbed; the street
  name on its own ("på Kungsgatan") is kept.
* Not personal data and never scrubbed: dates (2024-05-01, 01-05-2024, 8 april), times (08:30),
  opening hours (0800-1700, 08.30-17.00), years, ages, counts ("3 barn"), amounts
  ("12 000 kr"), law references ("6 §", "SFS 2009:724"), case numbers ("dnr 400-2018:10682"),
  organisation numbers whose "month" is above 12 (556123-4567).
* Names of people, Telegram @usernames and bank account numbers written with separators are not
  detected (out of scope for a pattern-based scrubber).
* `scrub` repeats until nothing more is found: removing a span can change its neighbours'
  context ("0000000000+1000000" becomes "[borttaget]+1000000", and "+1000000" is a number).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["KINDS", "MARKER", "Finding", "find_personal_data", "luhn_valid", "scrub"]

MARKER: Final = "[borttaget]"

KINDS: Final = ("personnummer", "phone", "email", "url", "address", "name", "username")


@dataclass(frozen=True)
class Finding:
    """A span ``text[start:end]`` of personal data of the given kind."""

    kind: str
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    """Return True if the string of ASCII digits passes the Luhn (mod 10) check."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# --- building blocks -------------------------------------------------------------------------

_SP = r"[ \u00a0\u202f]"  # space, no-break space, narrow no-break space
_DASH = r"[-\u2010\u2011\u2012\u2013\u2212]"  # hyphen-minus, hyphens, en dash, minus sign

# Ranks decide the kind when candidates overlap (lower wins); the spans are merged either way.
_RANK_EMAIL: Final = 0
_RANK_URL: Final = 1
_RANK_ID_VALID: Final = 2
_RANK_PHONE: Final = 3
_RANK_ID_INVALID: Final = 4
_RANK_DIGITS: Final = 5
_RANK_ADDRESS: Final = 6

# --- e-mail ----------------------------------------------------------------------------------

# Found from each "@": the local part is read backwards in Python (`_EMAIL_LOCAL_CHARS`), the
# domain with this pattern. Labels cannot contain dots, so the split is unique (no backtracking).
# The top-level domain may be missing ("maria@gmail"): still an address to remove.
_EMAIL_DOMAIN: Final = re.compile(r"[\w\-]*[^\W\d_][\w\-]*(?:\.[\w\-]+)*")
_EMAIL_LOCAL_CHARS: Final = frozenset("._%+-")

_TLDS_SAFE: Final = (
    "com|net|org|info|biz|eu|fi|nu|se|io|app|dev|ly|gl|gg|tv|co|uk|dk|ee|lv|lt|pl|ro|"
    "hu|cz|sk|rs|bg|gr|hr|ba|mk|al|ru|ua|es|fr|nl|ch|online|site|shop|xyz|gov|edu"
)
# Top-level domains that are also everyday words ("de", "no", "me" ...): for a bare domain they
# only count with a path ("spiegel.de/artikel", "t.me/anna"), so "igår.de sa" is not a URL.
_TLDS_WORDLIKE: Final = "de|no|me|to|in|it|is|at|be|do|so|am|us|ai|tt|cc|ms"
_TLD_WORDLIKE_SET: Final = frozenset(_TLDS_WORDLIKE.split("|"))

_OBF_AT: Final = (
    rf"(?:{_SP}?[(\[{{]{_SP}?(?i:at|snabel-?a|@){_SP}?[)\]}}]{_SP}?"
    rf"|{_SP}(?i:at|snabel-?a){_SP})"
)
_OBF_DOT: Final = (
    rf"(?:{_SP}?[(\[{{]{_SP}?(?i:dot|punkt|\.){_SP}?[)\]}}]{_SP}?|{_SP}(?i:dot|punkt){_SP}|\.)"
)
_OBFUSCATED_AT_HINTS: Final = (" at ", "at)", "at]", "at}", "@)", "@]", "@}", "snabel")
_EMAIL_OBFUSCATED: Final = re.compile(
    rf"(?<![\w.%+\-])[\w.%+\-]+{_OBF_AT}[\w\-]+(?:{_OBF_DOT}[\w\-]+)*?"
    rf"{_OBF_DOT}(?i:{_TLDS_SAFE})(?![\w\-])",
)

# --- URLs ------------------------------------------------------------------------------------

_URL_EXPLICIT: Final = re.compile(r"(?<![\w@.\-])(?i:https?://|www\.)[^\s<>\"]+")
_URL_BARE: Final = re.compile(
    rf"(?<![\w@.\-/:])(?:[\w\-]+\.)+(?P<tld>(?i:{_TLDS_SAFE}|{_TLDS_WORDLIKE}))(?![\w\-])"
    r"(?P<path>[/?#][^\s<>\"]*)?",
)
_DOT_LETTER: Final = re.compile(r"\.[^\W\d_]")
_URL_TRAILING: Final = ".,;:!?'\"»”’…)]}"

# --- personnummer ------------------------------------------------------------------------------

_PNR: Final = re.compile(
    rf"(?<![0-9])(?P<cc>1[89]|20)?(?P<yy>[0-9]{{2}})(?P<mm>[0-9]{{2}})(?P<dd>[0-9]{{2}})"
    rf"(?:{_SP}?[+]{_SP}?|{_SP}?{_DASH}{_SP}?|{_SP})?"
    r"(?P<serial>[0-9]{3})(?P<check>[0-9])(?![0-9])",
)
_HETU: Final = re.compile(
    r"(?<![0-9])(?P<dd>[0-9]{2})(?P<mm>[0-9]{2})(?P<yy>[0-9]{2})(?P<century>[-+A-FU-Y])"
    r"(?P<serial>[0-9]{3})(?P<check>[0-9A-FHJ-NPR-Y])(?![\w])",
)
_HETU_CHECK: Final = "0123456789ABCDEFHJKLMNPRSTUVWXY"

# --- phone numbers ---------------------------------------------------------------------------

# One separator between digits. The alternatives start differently, so a separator can be read
# in only one way: " - " / "-", a lone space, "(" / " (", ")" / ") ", "/".
_PHONE_SEP: Final = rf"(?:{_SP}?{_DASH}{_SP}?|{_SP}?/{_SP}?|{_SP}?\(|\){_SP}?|{_SP}|\.)"
_PHONE_END: Final = r"(?![0-9]|[.:][0-9])"
# Not inside a word or number, and not right after "2024-" or "12:" (dates, times, references).
_NUMBER_START: Final = r"(?<![\w+])(?<![0-9][-\u2010-\u2013\u2212/.,:])"
# The phone patterns begin with a literal character and test what precedes it afterwards, in a
# look-behind: the regex engine then jumps to candidate characters instead of trying every
# position (three times faster on ordinary text).
_PHONE_NATIONAL: Final = re.compile(
    rf"(?:0(?<={_NUMBER_START}0)|\((?<={_NUMBER_START}\()0)[1-9]"
    rf"(?:{_PHONE_SEP}?[0-9]){{6,8}}{_PHONE_END}",
)
_PHONE_INTERNATIONAL: Final = re.compile(
    rf"(?:\+(?<={_NUMBER_START}\+)|0(?<={_NUMBER_START}0)0){_SP}?[1-9]"
    rf"(?:{_PHONE_SEP}?[0-9]){{6,13}}{_PHONE_END}",
)
# A mobile number written without its leading 0, in the usual grouping: "70 174 06 38".
_PHONE_MOBILE_NO_ZERO: Final = re.compile(
    rf"7(?<={_NUMBER_START}7)[02369](?:{_SP}|{_DASH})?[0-9]{{3}}(?:{_SP}|{_DASH})?[0-9]{{2}}"
    rf"(?:{_SP}|{_DASH})?[0-9]{{2}}{_PHONE_END}",
)
# National-looking matches that are really dates or opening hours: 01-05-2024, 0800-1700.
_TIME_RANGE: Final = re.compile(
    rf"(?:[01][0-9]|2[0-4])[.:]?[0-5][0-9]{_SP}?{_DASH}{_SP}?(?:[01][0-9]|2[0-4])[.:]?[0-5][0-9]"
)
_DATE_LIKE: Final = re.compile(
    r"[0-9]{1,2}[-\u2010-\u2013\u2212/.][0-9]{1,2}[-\u2010-\u2013\u2212/.](?:19|20)[0-9]{2}",
)
_LONG_DIGITS: Final = re.compile(r"(?<!\d)\d{10,}(?!\d)")
_ANY_DIGIT: Final = re.compile(r"\d")
_NUMBER: Final = re.compile(r"[0-9](?<![0-9][0-9])")  # the first digit of each number
_SIX_DIGITS: Final = re.compile(r"\d{6}")

# --- street addresses ------------------------------------------------------------------------

_LOWER: Final = "a-zåäöéèüæøáíóúčšžćđ"
_UPPER: Final = "A-ZÅÄÖÉÈÜÆØÁÍÓÚČŠŽĆĐ"
# Suffixes that rarely end ordinary words: accepted in lower case too ("storgatan 12").
_STREET_STRONG: Final = (
    "gatan",
    "gata",
    "vägen",
    "väg",
    "gränden",
    "gränd",
    "allén",
    "allé",
    "torget",
    "stigen",
    "stig",
    "esplanaden",
    "promenaden",
    "stråket",
    "slingan",
    "katu",
    "tie",
    "kuja",
    # Finnish streets are often inflected: "asun Itäkadulla 5", "Mannerheimintiellä 12".
    *("kadulla", "kadulle", "kadun", "kadulta", "tiellä", "tielle", "tien", "tieltä"),
    *("kujalla", "kujalle", "kujan", "kujalta"),
)
# Suffixes that also end common nouns ("handlingsplan 2", "pulkabacken"): capital letter needed.
_STREET_WEAK: Final = (
    "plan",
    "planen",
    "torg",
    "backen",
    "backe",
    "leden",
    "led",
    "ringen",
    "platsen",
    "plats",
    "gången",
    "kajen",
    "kaj",
    "terrassen",
    "höjden",
    "liden",
    "hagen",
    "parken",
    "polku",
    "tori",
    "kaari",
    "rinne",
    "ranta",
    "väylä",
    "raitti",
    "aukio",
)
_ABBREVIATED: Final = ("g", "gt", "v", "vg")  # Drottningg. 3, Sveav. 20
# Separate street-type words after a name: "Rinkeby allé 4", "Gustav Adolfs torg 3".
_STREET_WORDS: Final = frozenset(
    ("allé", "väg", "gata", "torg", "plan", "gränd", "backe", "stig", "esplanad", "park")
)
_STREET_PREFIXES: Final = frozenset(
    (
        *("första", "andra", "tredje", "fjärde", "femte", "norra", "södra", "östra", "västra"),
        *("stora", "lilla", "gamla", "nya", "övre", "nedre", "yttre", "inre", "sankt", "s:t"),
    )
)
_SPACES: Final = " \u00a0\u202f"
_NUMBER_WORDS: Final = frozenset(("nr", "nummer", "no", "n:r", "numero"))
_HOUSE_NUMBER: Final = (
    r"(?<![0-9])[0-9]{1,3}(?![0-9])"
    rf"(?:{_SP}?{_DASH}{_SP}?[0-9]{{1,3}}(?![0-9]))?"  # a range: 12-14
    rf"(?:{_SP}?[A-Ha-h](?:{_SP}[0-9]{{1,3}}(?![0-9]))?(?![\w]))?"  # 5B, 5 B, Finnish "10 B 12"
    r"(?![\w])"
)
_APARTMENT: Final = (
    rf"(?i:lgh|lägenhet(?:snummer|snr)?|lägenhetsnr|lgh-?nr)\.?{_SP}?(?:(?i:nr)\.?{_SP}?|:{_SP}?)?"
    r"[0-9]{4}(?![0-9])"
)
# Numbers followed by a unit are distances, durations, prices ...: "motorvägen 3 km".
_NOT_A_UNIT: Final = (
    rf"(?!{_SP}?(?i:km|mil|m|meter|min|minuter|tim|timmar|h|år|kr|kronor|sek|euro|%|procent|"
    r"gånger|ggr|st|dagar|dygn|veckor|månader|§|kap)(?![\w]))"
)
# Addresses are found from the house number backwards: a number right after a letter or "."
# (`_NUMBER`), whose preceding word is a street name (`_is_street`, checked in
# Python), followed by the rest of the house number (`_ADDRESS_TAIL`). A regular expression that
# tried every street suffix at every word would be several times slower.
_ADDRESS_TAIL: Final = re.compile(rf"{_HOUSE_NUMBER}{_NOT_A_UNIT}(?:,?{_SP}?{_APARTMENT})?")
_APARTMENT_ALONE: Final = re.compile(rf"(?<![\w]){_APARTMENT}")


# --- detection -------------------------------------------------------------------------------

_Candidate = tuple[int, int, int, str]  # start, end, rank, kind


def _plausible_date(year: int | None, month: int, day: int, coordination: bool = True) -> bool:
    if coordination and day > 60:  # samordningsnummer
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    if year is None:  # two-digit year: allow 29 February in any year divisible by four
        return day <= (29 if month == 2 else calendar.monthrange(2001, month)[1])
    return day <= calendar.monthrange(year, month)[1]


def _find_personnummer(text: str, out: list[_Candidate]) -> None:
    for match in _PNR.finditer(text):
        century = match.group("cc")
        yy = match.group("yy")
        year = int(century + yy) if century else None
        if not _plausible_date(year, int(match.group("mm")), int(match.group("dd"))):
            continue
        ten = yy + match.group("mm") + match.group("dd") + match.group("serial")
        ten += match.group("check")
        rank = _RANK_ID_VALID if luhn_valid(ten) else _RANK_ID_INVALID
        out.append((match.start(), match.end(), rank, "personnummer"))
    for match in _HETU.finditer(text):
        if not _plausible_date(None, int(match["mm"]), int(match["dd"]), coordination=False):
            continue
        number = int(match.group("dd") + match.group("mm") + match.group("yy") + match["serial"])
        if _HETU_CHECK[number % 31] == match.group("check"):
            out.append((match.start(), match.end(), _RANK_ID_VALID, "personnummer"))
        elif match.group("century").isalpha():
            # "010105A1234" cannot be anything else; but "311299-1234" with a wrong check
            # character is just a Swedish-looking number whose Swedish date is impossible.
            out.append((match.start(), match.end(), _RANK_ID_INVALID, "personnummer"))


def _find_phones(text: str, out: list[_Candidate]) -> None:
    for match in _PHONE_NATIONAL.finditer(text):
        if _DATE_LIKE.match(match.group()) or _TIME_RANGE.fullmatch(match.group()):
            continue
        out.append((match.start(), match.end(), _RANK_PHONE, "phone"))
    for pattern in (_PHONE_INTERNATIONAL, _PHONE_MOBILE_NO_ZERO):
        for match in pattern.finditer(text):
            out.append((match.start(), match.end(), _RANK_PHONE, "phone"))


def _find_long_digit_runs(text: str, out: list[_Candidate]) -> None:
    for match in _LONG_DIGITS.finditer(text):
        out.append((match.start(), match.end(), _RANK_DIGITS, "phone"))


def _find_email(text: str, out: list[_Candidate]) -> None:
    at = text.find("@")
    while at != -1:
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _EMAIL_LOCAL_CHARS):
            start -= 1
        domain = _EMAIL_DOMAIN.match(text, at + 1) if start < at else None
        if domain is not None:
            out.append((start, domain.end(), _RANK_EMAIL, "email"))
        at = text.find("@", at + 1)


def _find_obfuscated_email(text: str, out: list[_Candidate]) -> None:
    for match in _EMAIL_OBFUSCATED.finditer(text):
        out.append((match.start(), match.end(), _RANK_EMAIL, "email"))


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _URL_TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def _find_urls(text: str, lower: str, out: list[_Candidate]) -> None:
    if "www." in lower or "://" in text:
        for match in _URL_EXPLICIT.finditer(text):
            end = _trim_url(text, match.start(), match.end())
            if end > match.start():
                out.append((match.start(), end, _RANK_URL, "url"))
    if not _DOT_LETTER.search(text):
        return
    for match in _URL_BARE.finditer(text):
        tld = match.group("tld")
        if tld[0].isupper() and not tld.isupper():
            continue  # "igår.Se till att ..." is a missing space, not a domain
        if tld.lower() in _TLD_WORDLIKE_SET and not match.group("path"):
            continue
        end = _trim_url(text, match.start(), match.end())
        out.append((match.start(), end, _RANK_URL, "url"))


def _has_suffix(word: str, suffixes: tuple[str, ...], min_stem: int) -> bool:
    return any(word.endswith(suffix) and len(word) - len(suffix) >= min_stem for suffix in suffixes)


def _is_street(word: str, abbreviated: bool) -> bool:
    """Return True for a street name: "Storgatan", "storgatan", "Odenplan", "Drottningg" (+".")."""
    capitalised = word[0].isupper()
    if abbreviated:
        return capitalised and _has_suffix(word, _ABBREVIATED, 4)
    lower = word.lower()
    # str.endswith with a tuple is a fast first test; _has_suffix then checks the stem length.
    if lower.endswith(_STREET_STRONG) and _has_suffix(lower, _STREET_STRONG, 2):
        return True
    return capitalised and lower.endswith(_STREET_WEAK) and _has_suffix(lower, _STREET_WEAK, 2)


def _word_before(text: str, end: int) -> int:
    """Return where the word (letters, "-", ":") that ends at ``end`` starts."""
    start = end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "-:"):
        start -= 1
    return start


def _street_start(text: str, number: int) -> int | None:
    """Return where the street name before the house number at ``number`` starts, if any."""
    end = number - 1 if text[number - 1] in _SPACES else number
    word_start = _word_before(text, end - 1 if text[end - 1] == "." else end)
    if text[word_start:end].lower().rstrip(".") in _NUMBER_WORDS and word_start >= 2:
        end = word_start - 1 if text[word_start - 1] in _SPACES else word_start  # Storgatan nr 5
    abbreviated = text[end - 1] == "."
    if abbreviated:
        end -= 1
    start = _word_before(text, end)
    if start == end or (start > 0 and (text[start - 1].isdigit() or text[start - 1] == "_")):
        return None
    word = text[start:end]
    if not abbreviated and word.lower() in _STREET_WORDS:
        # "Rinkeby allé 4", "Gustav Adolfs torg 3": one to three capitalised words before it.
        named = start
        for _ in range(3):
            if named < 2 or text[named - 1] not in _SPACES:
                break
            word_start = _word_before(text, named - 1)
            if word_start == named - 1 or not text[word_start].isupper():
                break
            named = word_start
        return named if named < start else None
    if not _is_street(word, abbreviated):
        return None
    if start >= 2 and text[start - 1] in _SPACES:  # Norra Storgatan, S:t Eriksgatan
        prefix_start = _word_before(text, start - 1)
        if text[prefix_start : start - 1].lower() in _STREET_PREFIXES:
            return prefix_start
    return start


def _find_addresses(text: str, lower: str, out: list[_Candidate]) -> None:
    for match in _NUMBER.finditer(text):
        number = match.start()
        before = number - 1 if number > 0 and text[number - 1] in _SPACES else number
        if before < 1 or not (text[before - 1].isalpha() or text[before - 1] == "."):
            continue
        start = _street_start(text, number)
        if start is None:
            continue
        tail = _ADDRESS_TAIL.match(text, number)
        if tail is not None:
            out.append((start, tail.end(), _RANK_ADDRESS, "address"))
    if "lgh" in lower or "lägenhet" in lower:
        for match in _APARTMENT_ALONE.finditer(text):
            out.append((match.start(), match.end(), _RANK_ADDRESS, "address"))


def _resolve(candidates: list[_Candidate]) -> list[Finding]:
    """Merge overlapping candidates into non-overlapping findings, sorted by position.

    Overlapping spans are united (nothing found by any detector survives); the kind of the
    merged span is that of its best-ranked candidate.
    """
    candidates.sort(key=lambda c: (c[0], -c[1], c[2]))
    findings: list[Finding] = []
    start = end = rank = -1
    kind = ""
    for c_start, c_end, c_rank, c_kind in candidates:
        if c_start < end:
            if c_end > end:
                end = c_end
            if c_rank < rank:
                rank, kind = c_rank, c_kind
            continue
        if end > start >= 0:
            findings.append(Finding(kind, start, end))
        start, end, rank, kind = c_start, c_end, c_rank, c_kind
    if end > start >= 0:
        findings.append(Finding(kind, start, end))
    return findings


def find_personal_data(text: str) -> list[Finding]:
    """Return the personal data in ``text`` as non-overlapping findings sorted by position."""
    candidates: list[_Candidate] = []
    # Cheap substring tests skip the detectors that cannot match (most texts have no digits).
    if "@" in text:
        _find_email(text, candidates)
    lower = text.lower()
    if any(hint in lower for hint in _OBFUSCATED_AT_HINTS):
        _find_obfuscated_email(text, candidates)
    if "." in text:
        _find_urls(text, lower, candidates)
    if _ANY_DIGIT.search(text):  # every other kind contains a digit
        if _SIX_DIGITS.search(text):
            _find_personnummer(text, candidates)
            _find_long_digit_runs(text, candidates)
        if "0" in text or "+" in text or "7" in text:
            _find_phones(text, candidates)
        _find_addresses(text, lower, candidates)
    if not candidates:
        return []
    return _resolve(candidates)


def _replace(text: str, findings: list[Finding]) -> str:
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(MARKER)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


_MAX_ROUNDS: Final = 4


def scrub(text: str) -> str:
    """Return ``text`` with every finding of `find_personal_data` replaced by `MARKER`.

    Removing a span changes what its neighbours look like ("0000000000+1000000": the "+" was
    inside a number, after scrubbing it starts one), so scrubbing repeats until nothing more is
    found. In practice a second round finds nothing; the bound only guards against surprises.
    The result is idempotent: ``scrub(scrub(x)) == scrub(x)``.
    """
    for _ in range(_MAX_ROUNDS):
        findings = find_personal_data(text)
        if not findings:
            break
        text = _replace(text, findings)
    return text
