"""The Romani glossary (`content/glossary.yaml`) and the two checks it makes possible.

Romani chib has no single standard. The bot writes one variety and spelling (Vlax, kelderash /
lovari, Latin letters with č š ž) and the glossary fixes the chosen form of each key term. `check`
uses it to flag

- words that are known variants of a glossary term (another variety or spelling: *čiro* for
  *tjo*, *pučh* for *phuč*), and
- Swedish words left untranslated outside brackets. Brackets are where a Swedish term belongs:
  "o sudo (förvaltningsrätten)" lets a reader show the word at an office.

Telling a Swedish word from a Romani one needs no dictionary: a word is Swedish when the Swedish
texts of the bot use it and the Romani side of the glossary does not claim it. Names of
authorities and places are allowed (`allow`), and so are Romani words that happen to be spelled
like a Swedish one (`romani_homographs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_BRACKETS = re.compile(r"\([^()]*\)")
#: Short words are too often shared by both languages (te, so, kaj, vi) to say anything.
MIN_SWEDISH_LEN = 4


class GlossaryError(ValueError):
    """glossary.yaml does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class Term:
    sv: str
    rom: str
    variants: tuple[str, ...] = ()
    #: Keep the Swedish term in brackets after the Romani one (a word needed at an office).
    bracket: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Glossary:
    variety: str
    terms: tuple[Term, ...]
    allow: frozenset[str] = frozenset()
    romani_homographs: frozenset[str] = frozenset()
    #: variant (lower case, without a trailing "-") -> (chosen form, is a stem)
    _variants: dict[str, tuple[str, bool]] = field(default_factory=dict, compare=False)

    def variant_hits(self, text: str) -> list[tuple[str, str]]:
        """(word as written, chosen form) for each word of `text` that is a known variant."""
        hits = []
        # Brackets hold the Swedish term on purpose ("o sudo (förvaltningsrätten)"): not Romani.
        for word in _words(_BRACKETS.sub(" ", text)):
            lower = word.lower()
            exact = self._variants.get(lower)
            if exact is not None and not exact[1]:
                hits.append((word, exact[0]))
                continue
            for variant, (chosen, stem) in self._variants.items():
                if stem and lower.startswith(variant):
                    hits.append((word, chosen))
                    break
        return hits

    def untranslated(self, text: str, swedish: frozenset[str]) -> list[str]:
        """Swedish words in a Romani text, outside brackets and not allowed as names."""
        found = []
        for word in _words(_BRACKETS.sub(" ", text)):
            lower = word.lower()
            if len(lower) < MIN_SWEDISH_LEN or lower not in swedish:
                continue
            if lower in self.allow or lower in self.romani_homographs:
                continue
            found.append(word)
        return found

    def romani_words(self) -> frozenset[str]:
        """Every word the Romani side of the glossary uses: never counted as Swedish."""
        return frozenset(
            w.lower() for term in self.terms for w in _words(_BRACKETS.sub(" ", term.rom))
        )


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def swedish_vocabulary(texts: Iterable[str], glossary: Glossary) -> frozenset[str]:
    """Words of the Swedish texts, less those the glossary claims for Romani."""
    words = {w.lower() for text in texts for w in _words(text)}
    words |= {w.lower() for term in glossary.terms for w in _words(term.sv)}
    return frozenset(words - glossary.romani_words() - glossary.romani_homographs)


def load_glossary(path: Path) -> Glossary:
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise GlossaryError(f"{path}: invalid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise GlossaryError(f"{path}: expected a mapping")
    unknown = set(data) - {"variety", "spelling", "terms", "allow", "romani_homographs"}
    if unknown:
        raise GlossaryError(f"{path}: unknown keys {sorted(unknown)}")
    terms = []
    variants: dict[str, tuple[str, bool]] = {}
    for i, raw in enumerate(data.get("terms") or []):
        if not isinstance(raw, dict) or not {"sv", "rom"} <= set(raw):
            raise GlossaryError(f"{path}: terms[{i}] needs 'sv' and 'rom'")
        extra = set(raw) - {"sv", "rom", "variants", "bracket", "note"}
        if extra:
            raise GlossaryError(f"{path}: terms[{i}]: unknown keys {sorted(extra)}")
        term_variants = tuple(str(v) for v in raw.get("variants") or ())
        term = Term(
            sv=str(raw["sv"]),
            rom=str(raw["rom"]),
            variants=term_variants,
            bracket=bool(raw.get("bracket", False)),
            note=raw.get("note"),
        )
        for variant in term_variants:
            stem = variant.endswith("-")
            key = variant.rstrip("-").lower()
            if key in variants and variants[key][0] != term.rom:
                raise GlossaryError(f"{path}: variant '{variant}' belongs to two terms")
            variants[key] = (term.rom, stem)
        terms.append(term)
    return Glossary(
        variety=str(data.get("variety", "")),
        terms=tuple(terms),
        allow=frozenset(str(w).lower() for w in data.get("allow") or ()),
        romani_homographs=frozenset(str(w).lower() for w in data.get("romani_homographs") or ()),
        _variants=variants,
    )
