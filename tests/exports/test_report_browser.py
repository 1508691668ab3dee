"""The report in a real browser: headless Chromium (Debian package `chromium`) renders it, in
Swedish, at desktop and phone widths, and an accessibility check passes.

Skipped when Chromium is not installed (CI installs it: apt-get install -y chromium). The
screenshots are decoded with a small PNG reader (zlib only) and checked for the colours of the
weekly bars and the rating bars, so a blank or broken page fails. The accessibility check is a
small axe-like one on the document: language, heading order, names for every image, headers
for every table, and the contrast of the palette (WCAG 2.1: 4.5:1 for text, 3:1 for graphics).
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
from bot.exports.report import (
    RATING_COLOURS,
    RESPECT_COLOURS,
    TEXT_COLOURS,
    WEEK_COLOUR,
    render_report,
    write_report_html,
)
from bot.storage.database import Database

from .a11y import audit, contrast
from .conftest import build

CHROMIUM = next(
    (p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None
)

pytestmark = pytest.mark.browser
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
)


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
async def report(seeded_db: Database, tmp_path: Path) -> Path:
    """A quarter: thirteen weeks fit a phone's width without scrolling sideways."""
    return write_report_html(await build(seeded_db, "2026-Q3"), tmp_path / "report.html")


@needs_chromium
def test_report_renders_in_chromium(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "desktop.png"
    screenshot(report, png, tmp_path / "profile", (1200, 1600))
    width, height, rows = read_png(png)
    assert (width, height) == (1200, 1600)
    colours = colour_counts(rows)
    white = colours["#ffffff"]
    assert 0.4 < white / (width * height) < 0.97, "a page, neither blank nor a solid block"
    assert len(colours) > 20, "text, charts and anti-aliasing give many colours"
    # The rating bars are drawn in their exact colours: good, neither, bad.
    assert colours[RATING_COLOURS[0]] > 2000, colours.most_common(8)
    assert colours[RATING_COLOURS[1]] + colours[RATING_COLOURS[2]] > 500


@needs_chromium
def test_report_fits_a_phone(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "phone.png"
    screenshot(report, png, tmp_path / "profile", (390, 6000))
    width, _, rows = read_png(png)
    assert width == 390
    colours = colour_counts(rows)
    assert colours[WEEK_COLOUR] > 1000
    assert colours[RESPECT_COLOURS[0]] > 1000
    # Bars stretch with the screen: the good part of some service's bar spans a good part of it.
    good = bytes.fromhex(RATING_COLOURS[0][1:])
    widest = max(sum(1 for i in range(0, len(row), 3) if row[i : i + 3] == good) for row in rows)
    assert widest > 150


def test_accessibility_check_is_clean(export_data: ExportData) -> None:
    problems = audit(render_report(export_data), lang="sv")
    assert problems == []


def test_the_accessibility_check_can_fail() -> None:
    bad = (
        "<!DOCTYPE html><html><head><title>x</title></head><body><h2>a</h2><h1>b</h1>"
        '<h4>c</h4><svg class="bar"></svg><img src="x.png"><table><tr><td>1</td></tr></table>'
        "</body></html>"
    )
    problems = " ".join(audit(bad, lang="sv"))
    for expected in ("lang", "first heading", "h4 after h1", "svg", "img", "table"):
        assert expected in problems, expected


def test_palette_contrast() -> None:
    for colour in TEXT_COLOURS:
        assert contrast(colour, "#ffffff") >= 4.5, colour
    for colour in (*RATING_COLOURS, *RESPECT_COLOURS, WEEK_COLOUR):
        assert contrast(colour, "#ffffff") >= 3.0, colour
    assert contrast("#767676", "#ffffff") > 4.5 > contrast("#777777", "#ffffff") - 0.1
