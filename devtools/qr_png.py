"""Read back a QR code PNG written by bot/links/qr.py, without a QR decoder.

segno cannot decode and zbarimg may be missing, so this reads the PNG's pixels (1-bit greyscale,
as segno writes it), samples the centre of every module, and compares the module matrix with a
fresh encoding of the expected URL. Equal matrices mean the PNG encodes exactly that URL (with the
same error correction and mask, as every scanner would read it).
"""

from __future__ import annotations

import struct
import zlib

import segno

from bot.links.qr import PNG_SCALE, QR_BORDER, make_qr

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a PNG")
    chunks, offset = [], len(_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks.append((kind, data[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return chunks


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def pixels(data: bytes) -> list[list[bool]]:
    """Dark (True) or light per pixel of a 1-bit greyscale, non-interlaced PNG."""
    chunks = _chunks(data)
    header = next(body for kind, body in chunks if kind == b"IHDR")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if (depth, colour, interlace) != (1, 0, 0):
        raise ValueError(f"unsupported PNG: depth {depth}, colour {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = (width + 7) // 8
    rows: list[list[bool]] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - 1] if i else 0
            up = previous[i]
            upper_left = previous[i - 1] if i else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, upper_left)) & 0xFF
        previous = line
        rows.append([not (line[x // 8] >> (7 - x % 8)) & 1 for x in range(width)])
    return rows


def modules(data: bytes, scale: int = PNG_SCALE, border: int = QR_BORDER) -> list[list[bool]]:
    """The module matrix (without the quiet zone), sampled at each module's centre."""
    grid = pixels(data)
    count = len(grid) // scale - 2 * border
    return [
        [
            grid[(border + y) * scale + scale // 2][(border + x) * scale + scale // 2]
            for x in range(count)
        ]
        for y in range(count)
    ]


def encodes(data: bytes, url: str) -> bool:
    """True if the PNG shows exactly the symbol bot/links/qr.py makes for `url`."""
    expected: segno.QRCode = make_qr(url)
    matrix = [[bool(module) for module in row] for row in expected.matrix]
    return modules(data) == matrix
