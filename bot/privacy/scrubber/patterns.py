"""Pattern detectors: personnummer, phone numbers, e-mail, URLs, handles and street addresses.

Every regular expression is compiled at import time and written so that it cannot backtrack
catastrophically: each repetition is either bounded or separated by a mandatory delimiter, and
most patterns may only start at the beginning of a word or number (negative look-behind), so a
scan is linear in the text length. Addresses and e-mail addresses are found from their anchor
(the house number, the "@") with a little Python around the regular expressions. The text has
already been normalised (`normalize`): digits are ASCII, no format characters are left.
What each kind covers, and the decisions behind it, is described in the package docstring.
"""

from __future__ import annotations

import calendar
import re
from typing import Final

__all__ = ["RANK_NAME", "Candidate", "find_pattern_candidates", "is_street_word", "luhn_valid"]

Candidate = tuple[int, int, int, str]  # start, end, rank, kind


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
_RANK_HANDLE: Final = 7
RANK_NAME: Final = 8

# --- e-mail ----------------------------------------------------------------------------------

# Found from each "@": the local part is read backwards in Python (`_EMAIL_LOCAL_CHARS`), the
# domain with this pattern. Labels cannot contain dots, so the split is unique (no backtracking).
# The top-level domain may be missing ("maria@gmail"): still an address to remove.
_EMAIL_DOMAIN: Final = re.compile(r"[\w\-]*[^\W\d_][\w\-]*(?:\.[\w\-]+)*")
_EMAIL_LOCAL_CHARS: Final = frozenset("._%+-")
# A Telegram, Instagram or other @handle: not inside an e-mail address (no word character or
# "@" before it), at least one letter, dots and underscores inside.
_HANDLE: Final = re.compile(r"(?<![\w@.])@(?=[\w.]*[^\W\d_])\w(?:[\w.]{0,62}\w)?")

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
_OBFUSCATED_AT_HINT: Final = re.compile(r" at |at[)\]}]|@[)\]}]|snabel")
_EMAIL_OBFUSCATED: Final = re.compile(
    rf"(?<![\w.%+\-])[\w.%+\-]+{_OBF_AT}[\w\-]+(?:{_OBF_DOT}[\w\-]+)*?"
    rf"{_OBF_DOT}(?i:{_TLDS_SAFE})(?![\w\-])",
)

# --- URLs ------------------------------------------------------------------------------------

# Any scheme ("http://intranet/anna", "tg://resolve?domain=anna", "ftp://"), with or without a dot.
_URL_EXPLICIT: Final = re.compile(r"(?<![\w@.\-+])(?i:[a-z][a-z0-9+.\-]{0,20}://|www\.)[^\s<>\"]+")
_URL_BARE: Final = re.compile(
    rf"(?<![\w@.\-/:])(?:[\w\-]+\.)+(?P<tld>(?i:{_TLDS_SAFE}|{_TLDS_WORDLIKE}))(?![\w\-])"
    r"(?P<path>[/?#][^\s<>\"]*)?",
)
_DOT_LETTER: Final = re.compile(r"\.[^\W\d_]")
_URL_TRAILING: Final = ".,;:!?'\"»”’…)]}"

# --- personnummer ------------------------------------------------------------------------------

# The date may be written like a date ("1985-01-01-2382", "79 12 30 4255": the same separator
# twice), and the serial may follow a dash (also doubled), "+", a space, ".", "/" or "_".
_PNR: Final = re.compile(
    rf"(?<![0-9])(?P<cc>1[89]|20)?(?P<yy>[0-9]{{2}})(?P<sep>[-./ ]?)(?P<mm>[0-9]{{2}})(?P=sep)"
    rf"(?P<dd>[0-9]{{2}})(?:{_SP}?[+]{_SP}?|{_SP}?{_DASH}{{1,2}}{_SP}?|{_SP}|[./_])?"
    # not followed by "-06": "2023-01-01 - 2023-06-30" is a period, not an id
    r"(?P<serial>[0-9]{3})(?P<check>[0-9])(?![0-9]|[-./][0-9])",
)
_HETU: Final = re.compile(
    r"(?<![\w])(?P<dd>[0-9]{2})(?P<mm>[0-9]{2})(?P<yy>[0-9]{2})(?P<century>[-+A-FU-Ya-fu-y])"
    r"(?P<serial>[0-9]{3})(?P<check>[0-9A-FHJ-NPR-Ya-fhj-npr-y])(?![\w])",
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
# Eight or more single digits separated by single spaces: "0 7 0 1 2 3 4 5 6 7".
_SPACED_DIGITS: Final = re.compile(r"(?<![0-9] )(?<![0-9])[0-9](?: [0-9]){7,}(?![0-9]| [0-9])")
_ANY_DIGIT: Final = re.compile(r"\d")
_NUMBER: Final = re.compile(r"[0-9](?<![0-9][0-9])")  # the first digit of each number
_SIX_DIGITS: Final = re.compile(r"\d{6}")
_DATE_DIGITS: Final = re.compile(r"[0-9]{2}[-./ ][0-9]{2}[-./ ][0-9]{2}")

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
    # Without the diacritics, as typed on a keyboard without å, ä, ö: "Rinkebyvagen 12".
    *("vagen", "vag"),
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
    *("granden", "grand", "allen", "alle"),
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
# The house number first, as in many other countries: "12 Storgatan", "5B Storgatan".
_NUMBER_FIRST: Final = re.compile(
    rf"[0-9]{{1,3}}(?![0-9])(?:{_SP}?[A-Ha-h](?![\w]))?,?{_SP}(?P<street>[^\W\d_][\w:]*)"
)
# The house number in words: "Storgatan tolv" (not "ett"/"en", which are also articles).
_NUMBER_WORD: Final = re.compile(
    r"(?<![\w])(?i:två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|"
    r"sexton|sjutton|arton|nitton|tjugo\w{0,4}|trettio\w{0,4}|fyrtio\w{0,4})(?![\w])" + _NOT_A_UNIT
)
_STREET_HINT: Final = re.compile(r"gat|v[äa]g|gr[äa]nd|all[ée]|torg|stig|plan|back|led|ring|kaj")
# A post-office box: "Box 1234", Finnish "PL 123" (postilokero).
_PO_BOX: Final = re.compile(
    rf"(?<![\w])(?:[Bb]ox|BOX|[Pp]ostbox|PL|[Pp]ostilokero)\.?{_SP}?[0-9]{{1,5}}(?![0-9])"
)


# --- detection -------------------------------------------------------------------------------


def _plausible_date(year: int | None, month: int, day: int, coordination: bool = True) -> bool:
    if coordination and day > 60:  # samordningsnummer
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    if year is None:  # two-digit year: allow 29 February in any year divisible by four
        return day <= (29 if month == 2 else calendar.monthrange(2001, month)[1])
    return day <= calendar.monthrange(year, month)[1]


def _find_personnummer(text: str, out: list[Candidate]) -> None:
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
        if _HETU_CHECK[number % 31] == match.group("check").upper():
            out.append((match.start(), match.end(), _RANK_ID_VALID, "personnummer"))
        elif match.group("century").isalpha():
            # "010105A1234" cannot be anything else; but "311299-1234" with a wrong check
            # character is just a Swedish-looking number whose Swedish date is impossible.
            out.append((match.start(), match.end(), _RANK_ID_INVALID, "personnummer"))


def _find_phones(text: str, out: list[Candidate]) -> None:
    for match in _PHONE_NATIONAL.finditer(text):
        if _DATE_LIKE.match(match.group()) or _TIME_RANGE.fullmatch(match.group()):
            continue
        out.append((match.start(), match.end(), _RANK_PHONE, "phone"))
    for pattern in (_PHONE_INTERNATIONAL, _PHONE_MOBILE_NO_ZERO):
        for match in pattern.finditer(text):
            out.append((match.start(), match.end(), _RANK_PHONE, "phone"))


def _find_long_digit_runs(text: str, out: list[Candidate]) -> None:
    for match in _LONG_DIGITS.finditer(text):
        out.append((match.start(), match.end(), _RANK_DIGITS, "phone"))


def _find_spaced_digits(text: str, out: list[Candidate]) -> None:
    for match in _SPACED_DIGITS.finditer(text):
        out.append((match.start(), match.end(), _RANK_DIGITS, "phone"))


def _find_email(text: str, out: list[Candidate]) -> None:
    at = text.find("@")
    while at != -1:
        # "anna.taikon @ gmail.com": one space on each side is allowed when the domain has a
        # dot, so "Ses vi @ biblioteket?" stays and "har @mirela.k" is a handle.
        spaced = at > 0 and text[at - 1] == " " and text[at + 1 : at + 2] == " "
        left, right = (at - 1, at + 2) if spaced else (at, at + 1)
        start = left
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _EMAIL_LOCAL_CHARS):
            start -= 1
        domain = _EMAIL_DOMAIN.match(text, right) if start < left else None
        if domain is not None and (not spaced or "." in domain.group()):
            out.append((start, domain.end(), _RANK_EMAIL, "email"))
        at = text.find("@", at + 1)


def _find_handles(text: str, out: list[Candidate]) -> None:
    for match in _HANDLE.finditer(text):
        out.append((match.start(), match.end(), _RANK_HANDLE, "username"))


def _find_obfuscated_email(text: str, out: list[Candidate]) -> None:
    for match in _EMAIL_OBFUSCATED.finditer(text):
        out.append((match.start(), match.end(), _RANK_EMAIL, "email"))


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _URL_TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def _find_urls(text: str, lower: str, out: list[Candidate]) -> None:
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


def is_street_word(word: str) -> bool:
    """A street name ("Storgatan", "Odenplan") or a street-name prefix ("Första", "Norra")."""
    return word.lower() in _STREET_PREFIXES or _is_street(word, abbreviated=False)


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


def _find_addresses(text: str, lower: str, out: list[Candidate]) -> None:
    for match in _NUMBER.finditer(text):
        number = match.start()
        before = number - 1 if number > 0 and text[number - 1] in _SPACES else number
        if before >= 1 and (text[before - 1].isalpha() or text[before - 1] == "."):
            start = _street_start(text, number)
            tail = _ADDRESS_TAIL.match(text, number) if start is not None else None
            if start is not None and tail is not None:
                out.append((start, tail.end(), _RANK_ADDRESS, "address"))
                continue
        first = _NUMBER_FIRST.match(text, number)  # "12 Storgatan"
        if first is not None and _is_street(first.group("street"), False):
            out.append((number, first.end(), _RANK_ADDRESS, "address"))
    if "lgh" in lower or "lägenhet" in lower:
        for match in _APARTMENT_ALONE.finditer(text):
            out.append((match.start(), match.end(), _RANK_ADDRESS, "address"))


def _street_before_number_word(text: str, start: int, end: int, out: list[Candidate]) -> None:
    if start < 2 or text[start - 1] not in _SPACES:
        return
    word_start = _word_before(text, start - 1)
    if word_start < start - 1 and _is_street(text[word_start : start - 1], False):
        out.append((word_start, end, _RANK_ADDRESS, "address"))


def find_pattern_candidates(text: str, out: list[Candidate]) -> None:
    """Append every pattern finding in the (normalised) ``text`` to ``out``."""
    # Cheap substring tests skip the detectors that cannot match (most texts have no digits).
    if "@" in text:
        _find_email(text, out)
        _find_handles(text, out)
    lower = text.lower()
    if _OBFUSCATED_AT_HINT.search(lower):
        _find_obfuscated_email(text, out)
    if "." in text or "://" in text:
        _find_urls(text, lower, out)
    if _ANY_DIGIT.search(text):  # every other kind contains a digit
        if _SIX_DIGITS.search(text) or _DATE_DIGITS.search(text):
            _find_personnummer(text, out)
            _find_long_digit_runs(text, out)
        if " " in text:
            _find_spaced_digits(text, out)
        if "0" in text or "+" in text or "7" in text:
            _find_phones(text, out)
        _find_addresses(text, lower, out)
    if "ox" in lower or "PL" in text:
        for match in _PO_BOX.finditer(text):
            out.append((match.start(), match.end(), _RANK_ADDRESS, "address"))
    if _STREET_HINT.search(lower):  # "Storgatan tolv": only where a street can be
        for match in _NUMBER_WORD.finditer(text):
            _street_before_number_word(text, match.start(), match.end(), out)
