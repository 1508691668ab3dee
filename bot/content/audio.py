"""Recorded answers: Ogg Opus voice files per topic and language, checked like any content.

    content/audio/<lang>/<topic-id>.ogg    the recording (Ogg Opus, as Telegram voice notes are)
    content/audio/<lang>/<topic-id>.yaml   who speaks which variety, and its review status
    content/audio/<lang>/welcome.ogg       optional spoken welcome, sent with the greeting

Files are validated at start-up and by `python -m bot check` (a real Ogg Opus stream: "OggS"
pages with correct checksums, an "OpusHead" and "OpusTags" header; its duration; its size), but
not kept in memory: the bot reads a file once, uploads it, and from then on reuses Telegram's
file_id. How to record and convert a file: content/README.md ("Audio").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.model import LANGUAGES, REVIEW_STATUSES, Lang, ReviewStatus

WELCOME = "welcome"
#: Telegram refuses bot uploads over 50 MB.
TELEGRAM_MAX_BYTES = 50 * 1024 * 1024
#: Above this a voice note is heavy on a cheap phone with prepaid data: a warning.
COMFORT_MAX_BYTES = 1024 * 1024
#: Longer answers lose listeners; a warning, not an error.
COMFORT_MAX_SECONDS = 180.0
OPUS_RATE = 48_000
_SIDECAR_KEYS = frozenset({"variety", "speaker", "review", "synthetic", "recorded"})


class OggError(ValueError):
    """Not a valid Ogg Opus stream; the message says what is wrong, for the editor."""


@dataclass(frozen=True, slots=True)
class OggInfo:
    channels: int
    pre_skip: int
    seconds: float
    pages: int


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table.append(crc & 0xFFFFFFFF)
    return tuple(table)


_CRC = _crc_table()


def ogg_crc(data: bytes) -> int:
    """The Ogg page checksum (CRC-32, polynomial 0x04C11DB7, not reflected)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ byte]
    return crc


def read_ogg_opus(data: bytes) -> OggInfo:
    """Check an Ogg Opus file page by page; OggError if Telegram would not play it as voice."""
    offset = 0
    pages = 0
    serial: int | None = None
    packets: list[bytes] = []
    partial = b""
    last_granule = 0
    while offset < len(data):
        if data[offset : offset + 4] != b"OggS":
            raise OggError(f"no Ogg page at byte {offset} (expected 'OggS')")
        if len(data) < offset + 27:
            raise OggError(f"truncated page header at byte {offset}")
        version, flags, granule, page_serial, _seq, crc, count = struct.unpack_from(
            "<BBqIIIB", data, offset + 4
        )
        if version != 0:
            raise OggError(f"unknown Ogg version {version} at byte {offset}")
        table = data[offset + 27 : offset + 27 + count]
        size = 27 + count + sum(table)
        page = data[offset : offset + size]
        if len(table) < count or len(page) < size:
            raise OggError(f"truncated page at byte {offset}")
        if ogg_crc(page[:22] + b"\0\0\0\0" + page[26:]) != crc:
            raise OggError(f"bad checksum in the page at byte {offset}")
        if serial is None:
            if not flags & 0x02:
                raise OggError("the first page does not start a stream")
            serial = page_serial
        elif page_serial != serial:
            raise OggError("more than one stream: a voice note holds one Opus stream")
        body = page[27 + count :]
        position = 0
        for lacing in table:
            partial += body[position : position + lacing]
            position += lacing
            if lacing < 255:
                packets.append(partial)
                partial = b""
        if granule >= 0:
            last_granule = granule
        pages += 1
        offset += size
    if pages == 0:
        raise OggError("empty file")
    if len(packets) < 2 or not packets[0].startswith(b"OpusHead") or len(packets[0]) < 19:
        raise OggError("not Opus: the first packet is not an 'OpusHead' header")
    if not packets[1].startswith(b"OpusTags"):
        raise OggError("not Opus: the second packet is not an 'OpusTags' header")
    channels = packets[0][9]
    (pre_skip,) = struct.unpack_from("<H", packets[0], 10)
    if channels not in (1, 2):
        raise OggError(f"{channels} channels: record in mono (or stereo)")
    seconds = max(0, last_granule - pre_skip) / OPUS_RATE
    if seconds <= 0 or len(packets) < 3:
        raise OggError("no sound: the stream has no audio packets")
    return OggInfo(channels, pre_skip, seconds, pages)


@dataclass(frozen=True, slots=True)
class AudioClip:
    lang: Lang
    #: a topic id, or "welcome"
    key: str
    path: Path
    seconds: float
    size: int
    #: sha256 of the file: a changed recording is uploaded again, never an old file_id reused.
    digest: str
    #: the speaker's language variety (e.g. "kelderash", "lovari", "rikssvenska")
    variety: str
    review: ReviewStatus
    synthetic: bool = False
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class AudioLibrary:
    clips: dict[tuple[Lang, str], AudioClip] = field(default_factory=dict)

    def clip(self, lang: Lang, key: str) -> AudioClip | None:
        return self.clips.get((lang, key))

    def keys(self, lang: Lang) -> list[str]:
        return sorted(key for clip_lang, key in self.clips if clip_lang == lang)


@dataclass(frozen=True, slots=True)
class AudioProblem:
    path: Path
    message: str
    severity: str = "error"


def load_audio(
    audio_dir: Path, topic_ids: tuple[str, ...]
) -> tuple[AudioLibrary, list[AudioProblem]]:
    """Every valid recording under `audio_dir`, and a problem for each file that is not."""
    clips: dict[tuple[Lang, str], AudioClip] = {}
    problems: list[AudioProblem] = []
    if not audio_dir.exists():
        return AudioLibrary(), problems
    known = {*topic_ids, WELCOME}
    for lang in LANGUAGES:
        folder = audio_dir / lang
        for path in sorted(folder.glob("*")) if folder.exists() else []:
            if path.suffix == ".yaml" and not path.with_suffix(".ogg").exists():
                problems.append(AudioProblem(path, "metadata without a recording (.ogg)"))
            elif path.suffix not in (".ogg", ".yaml"):
                problems.append(AudioProblem(path, "unexpected file: only .ogg and .yaml"))
            elif path.suffix == ".ogg":
                if path.stem not in known:
                    problems.append(AudioProblem(path, f"unknown topic id {path.stem!r}"))
                    continue
                clip = _clip(path, lang, problems)
                if clip is not None:
                    clips[(lang, path.stem)] = clip
    return AudioLibrary(clips), problems


def _clip(path: Path, lang: Lang, problems: list[AudioProblem]) -> AudioClip | None:
    data = path.read_bytes()
    if len(data) > TELEGRAM_MAX_BYTES:
        problems.append(AudioProblem(path, "over 50 MB: Telegram refuses it"))
        return None
    try:
        info = read_ogg_opus(data)
    except OggError as exc:
        problems.append(AudioProblem(path, f"not a valid Ogg Opus voice file: {exc}"))
        return None
    meta = _sidecar(path.with_suffix(".yaml"), lang, problems)
    if meta is None:
        return None
    if len(data) > COMFORT_MAX_BYTES:
        problems.append(AudioProblem(path, "over 1 MB: heavy on prepaid data", "warning"))
    if info.seconds > COMFORT_MAX_SECONDS:
        problems.append(
            AudioProblem(path, f"{info.seconds:.0f} s long: keep answers short", "warning")
        )
    return AudioClip(
        lang=lang,
        key=path.stem,
        path=path,
        seconds=info.seconds,
        size=len(data),
        digest=hashlib.sha256(data).hexdigest(),
        variety=meta.variety,
        review=meta.review,
        synthetic=meta.synthetic,
        speaker=meta.speaker,
    )


@dataclass(frozen=True, slots=True)
class _Meta:
    variety: str
    review: ReviewStatus
    synthetic: bool
    speaker: str | None


def _sidecar(path: Path, lang: Lang, problems: list[AudioProblem]) -> _Meta | None:
    if not path.exists():
        problems.append(AudioProblem(path, "missing: who speaks which variety, review status"))
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.append(AudioProblem(path, f"not valid YAML: {exc}"))
        return None
    if not isinstance(raw, dict):
        problems.append(AudioProblem(path, "expected a mapping"))
        return None
    errors = [f"unknown key {key!r}" for key in raw if key not in _SIDECAR_KEYS]
    variety, review = raw.get("variety"), raw.get("review")
    synthetic, speaker = raw.get("synthetic", False), raw.get("speaker")
    recorded = raw.get("recorded")
    if not isinstance(variety, str) or not variety.strip():
        errors.append("'variety' (the speaker's language variety) is required")
    if review not in REVIEW_STATUSES:
        errors.append(f"'review' must be one of {', '.join(REVIEW_STATUSES)}")
    if not isinstance(synthetic, bool):
        errors.append("'synthetic' must be true or false")
    elif synthetic and lang == "rom":
        errors.append("Romani is never synthesised: record a speaker")
    if speaker is not None and not isinstance(speaker, str):
        errors.append("'speaker' must be text (a role, never contact details)")
    if recorded is not None and not isinstance(recorded, dt.date):
        errors.append("'recorded' must be a date like 2026-12-01")
    problems.extend(AudioProblem(path, error) for error in errors)
    if errors:
        return None
    assert isinstance(variety, str) and review in REVIEW_STATUSES and isinstance(synthetic, bool)
    return _Meta(variety.strip(), review, synthetic, speaker if isinstance(speaker, str) else None)
