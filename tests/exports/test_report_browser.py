"""The report in a real browser: headless Chromium (Debian package `chromium`) renders it.

Skipped when Chromium is not installed (CI installs it: apt-get install -y chromium). The
screenshots are decoded with a small PNG reader (zlib only) and checked for the colours of the
weekly bars and the rating bars, so a blank or broken page fails.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest

from bot.exports.data import ExportData
from bot.exports.report import RATING_COLOURS, RESPECT_COLOURS, WEEK_COLOUR, write_report_html

CHROMIUM = next(
    (p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
    ),
]


def screenshot(page: Path, png: Path, profile: Path, size: tuple[int, int]) -> None:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        f"--window-size={size[0]},{size[1]}",
        page.resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB(A) rows of an 8-bit truecolour PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        else:
            assert kind == 0, f"unknown PNG filter {kind}"
        rows.append(bytes(line))
        previous = line
    if channels == 4:
        rows = [bytes(b for i, b in enumerate(row) if i % 4 != 3) for row in rows]
    return width, height, rows


def colour_counts(rows: list[bytes]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        for i in range(0, len(row), 3):
            counts[f"#{row[i]:02x}{row[i + 1]:02x}{row[i + 2]:02x}"] += 1
    return counts


@pytest.fixture
def report(export_data: ExportData, tmp_path: Path) -> Path:
    return write_report_html(export_data, tmp_path / "report.html")


def test_report_renders_in_chromium(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "desktop.png"
    screenshot(report, png, tmp_path / "profile", (1200, 1600))
    width, height, rows = read_png(png)
    assert (width, height) == (1200, 1600)
    colours = colour_counts(rows)
    white = colours["#ffffff"]
    assert 0.4 < white / (width * height) < 0.97, "a page, neither blank nor a solid block"
    assert len(colours) > 20, "text, charts and anti-aliasing give many colours"
    # The weekly bars and the service and respect bars are drawn in their exact colours.
    assert colours[WEEK_COLOUR] > 5000, colours.most_common(8)
    assert colours[RATING_COLOURS[4]] + colours[RATING_COLOURS[3]] > 2000


def test_report_fits_a_phone(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "phone.png"
    screenshot(report, png, tmp_path / "profile", (390, 2600))
    width, _, rows = read_png(png)
    assert width == 390
    colours = colour_counts(rows)
    assert colours[WEEK_COLOUR] > 1000
    assert colours[RESPECT_COLOURS["Yes"]] > 1000
    # Bars stretch with the screen: the 'Yes' respect bar spans a good part of a row.
    widest = max(
        sum(1 for i in range(0, len(row), 3) if row[i : i + 3] == bytes.fromhex("2166ac"))
        for row in rows
    )
    assert widest > 150
