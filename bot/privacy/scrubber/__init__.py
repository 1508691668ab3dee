"""Find and remove personal data in free text before it is shown back or stored.

Residents type feedback and search questions in Swedish, Finnish and Romani chib. Before any of
that text is shown back for confirmation or written anywhere, `scrub` replaces every personal
identifier it finds by a marker in the resident's language (the caller passes it; `MARKER`, the
Swedish one, is the default). The code is plain Python (no Telegram) and deterministic; name
lists are read once, at import. A short message takes some tens of microseconds.

The text is first normalised (`normalize`: NFKC, every digit to ASCII, invisible format
characters dropped, RTL overrides shown in display order), so "８５０１０１－２３８２",
"850101\\u200b-2382" and "anna＠gmail.com" look like what they are. `find_personal_data`
reports spans of the text it was given; `scrub` returns the normalised text with the markers.

What is found (`Finding.kind`):

``personnummer``
    Swedish personnummer and samordningsnummer (day + 60) written YYMMDD-NNNC, YYMMDD+NNNC,
    YYYYMMDD-NNNC, with a space, ".", "/", "_", a double dash or nothing instead of the dash,
    with the date written as a date ("1985-01-01-2382", "79 12 30 4255"), 10 or 12 digits; the
    date must be plausible. Finnish henkilötunnus (DDMMYY-NNNC, DDMMYYANNNC, the letters in
    either case) is reported with the same kind; with "-" or "+" it needs a correct check
    character (otherwise it looks like any Swedish 6+4 number), with a century letter a
    plausible date is enough.
``phone``
    Swedish numbers in national form (07x mobiles, 08-, 031-, 0771-, 020- ..., 8 to 10 digits,
    spaces, dashes, dots, slashes and "(08)" allowed), mobiles without the leading 0 in the usual
    grouping ("70 123 45 67"), international numbers (+46 70 ..., 0046 ..., +358 40 ...,
    +46 (0)70 ...), eight or more single digits separated by spaces ("0 7 0 1 2 3 4 5 6 7"),
    and any other run of 10 or more consecutive digits (an account, invoice or customer number
    is as identifying as a phone number).
``email``
    Ordinary addresses, also without a top-level domain ("namn@gmail") or with a space on each
    side of the "@" ("namn @ gmail.com"), and obfuscated ones: "namn at gmail dot com",
    "namn(at)gmail.com", "namn snabel-a telia punkt se".
``url``
    Anything with a scheme ("https://", "http://intranet/anna", "tg://resolve?domain=anna",
    "ftp://"), www. addresses, and bare domains with a known top-level domain
    ("facebook.com/namn", "t.me/namn", "1177.se"). A URL can name a person, so all URLs go.
``username``
    @handles (Telegram, Instagram ...): "@dragan_taikon85", "@mirela.k".
``address``
    A street name followed by a house number: Swedish compounds ending in -gatan, -vägen,
    -gränd, -torget, -allén, -stigen, -plan, -backen, -leden ... also typed without å/ä/ö
    ("Rinkebyvagen 12"), the number first ("12 Storgatan") or in words ("Storgatan tolv"),
    "Första Långgatan 5B", "Rinkeby allé 4", "Drottningg. 3", "Rinkebyvägen 4 lgh 1102",
    "Vårbyvägen nr 5", Finnish ones ending in -katu, -tie, -kuja ... also inflected
    ("Mannerheimintie 5 A 12", "Itäkadulla 5"), post-office boxes ("Box 1234") and apartment
    numbers on their own ("lgh 1102"). Numbers followed by a unit are not house numbers
    ("motorvägen 3 km", "Storgatan 5 år").
``name``
    People's names (`names`): after a self-introduction ("jag heter", "mitt namn är", "nimeni
    on", "olen", "me sem", "mo anav si", "miro nav si" ...), after a title or kinship word
    ("handläggaren", "rektorn", "sosiaalityöntekijä", "mo čhavo" ...), after "familjen"/"perhe",
    and first names and surnames from lists that fit Sweden's population (Swedish, Finnish,
    Roma and other common names, in bot/privacy/scrubber/data/), alone or as capitalised pairs,
    in lower case, with diacritics or without, with a genitive -s, a Finnish case ending
    ("Marjalle", "Virtaselle") or a Romani one ("Draganeske"). The words the bot itself uses
    are kept: municipalities, authorities, meeting places, topic words, weekdays and months.

Decisions (the corpora in tests/privacy/scrubber_corpus*.txt are labelled the same way):

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
  name on its own ("på Kungsgatan") is kept. A post-office box is scrubbed.
* Not personal data and never scrubbed: dates (2024-05-01, 01-05-2024, 8 april), times (08:30),
  opening hours (0800-1700, 08.30-17.00), years, ages, counts ("3 barn"), amounts
  ("12 000 kr"), law references ("6 §", "SFS 2009:724"), case numbers ("dnr 400-2018:10682"),
  organisation numbers whose "month" is above 12 (556123-4567).
* Names: a first name alone is removed too (with a title or a place it can identify someone).
  A name that is also an everyday word ("Love", "Bo", "Stig", "Onni", "Laine") is removed only
  where the context says it is a name. Names nobody could list (rare or misspelt ones) are found
  only from their context; bank account numbers written with separators are not detected.
* `scrub` repeats until nothing more is found: removing a span can change its neighbours'
  context ("0000000000+1000000" becomes "[borttaget]+1000000", and "+1000000" is a number).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.privacy.scrubber.names import find_name_candidates
from bot.privacy.scrubber.normalize import Normalized, normalize
from bot.privacy.scrubber.patterns import Candidate, find_pattern_candidates, luhn_valid

__all__ = ["KINDS", "MARKER", "Finding", "find_personal_data", "luhn_valid", "scrub"]

#: The Swedish marker, used when the caller passes none (the catalogs translate it).
MARKER: Final = "[borttaget]"

KINDS: Final = ("personnummer", "phone", "email", "url", "address", "name", "username")


@dataclass(frozen=True)
class Finding:
    """A span ``text[start:end]`` of personal data of the given kind."""

    kind: str
    start: int
    end: int


def _resolve(candidates: list[Candidate]) -> list[Finding]:
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


def _find(text: str) -> list[Finding]:
    """Findings in already normalised text."""
    candidates: list[Candidate] = []
    find_pattern_candidates(text, candidates)
    find_name_candidates(text, candidates)
    if not candidates:
        return []
    return _resolve(candidates)


def find_personal_data(text: str) -> list[Finding]:
    """Return the personal data in ``text`` as non-overlapping findings sorted by position.

    The spans are those of ``text`` as given, although the search runs on its normalised form.
    """
    normal = normalize(text)
    findings = _find(normal.text)
    if normal.starts is None:
        return findings
    mapped: list[Finding] = []
    for finding in findings:
        start, end = normal.span(finding.start, finding.end)
        if mapped and start < mapped[-1].end:  # two findings from one source character
            previous = mapped.pop()
            start, end = previous.start, max(end, previous.end)
            mapped.append(Finding(previous.kind, start, end))
            continue
        mapped.append(Finding(finding.kind, start, end))
    return mapped


def _replace(text: str, findings: list[Finding], marker: str) -> str:
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(marker)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


_MAX_ROUNDS: Final = 4


def scrub(text: str, marker: str = MARKER) -> str:
    """Return ``text`` normalised, every finding of `find_personal_data` replaced by ``marker``.

    ``marker`` is the resident's-language word for "removed", in square brackets (the caller
    takes it from the catalogs); it must not itself look like personal data.
    Removing a span changes what its neighbours look like ("0000000000+1000000": the "+" was
    inside a number, after scrubbing it starts one), so scrubbing repeats until nothing more is
    found. In practice a second round finds nothing; the bound only guards against surprises.
    The result is idempotent: ``scrub(scrub(x, m), m) == scrub(x, m)``.
    """
    normal: Normalized = normalize(text)
    text = normal.text
    for _ in range(_MAX_ROUNDS):
        findings = _find(text)
        if not findings:
            break
        text = _replace(text, findings, marker)
    return text
