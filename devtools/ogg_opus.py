"""A tiny Ogg Opus writer for tests and placeholders: silence, no encoder needed.

Writes a valid stream (OpusHead and OpusTags pages, then 20 ms packets of Opus silence, each page
with its checksum), so the bot's checks, the fake Bot API and Telegram clients accept it.
Real recordings come from ffmpeg or opusenc (content/README.md, "Audio").
"""

from __future__ import annotations

import struct

from bot.content.audio import ogg_crc

#: One 20 ms CELT frame of silence (TOC 0xf8: fullband, 20 ms, mono, one frame).
SILENT_PACKET = b"\xf8\xff\xfe"
_SAMPLES_PER_PACKET = 960  # 20 ms at 48 kHz
PRE_SKIP = 312


def _page(packets: list[bytes], granule: int, serial: int, sequence: int, flags: int) -> bytes:
    table = bytearray()
    for packet in packets:
        table += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, serial, sequence, 0, len(table))
    page = header + bytes(table) + b"".join(packets)
    crc = ogg_crc(page)
    return page[:22] + struct.pack("<I", crc) + page[26:]


def silent_ogg_opus(seconds: float = 1.0, serial: int = 0x5EED) -> bytes:
    """`seconds` of silence as an Ogg Opus file (mono, 48 kHz)."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, PRE_SKIP, 48_000, 0, 0)
    vendor = b"outreach-bot test writer"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    count = max(1, round(seconds * 50))
    pages = [_page([head], 0, serial, 0, 0x02), _page([tags], 0, serial, 1, 0)]
    sequence = 2
    done = 0
    while done < count:
        batch = min(50, count - done)
        done += batch
        granule = PRE_SKIP + done * _SAMPLES_PER_PACKET
        flags = 0x04 if done == count else 0
        pages.append(_page([SILENT_PACKET] * batch, granule, serial, sequence, flags))
        sequence += 1
    return b"".join(pages)
