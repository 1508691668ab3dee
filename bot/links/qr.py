"""QR codes for deep links: files for print shops, PNG bytes for the chat, SVG for posters."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable
from pathlib import Path

import segno

from bot.links.render import render
from bot.links.rows import LinkRow

#: Error correction Q (25 %): a printed poster survives a crease, a pin hole or a bit of dirt.
QR_ERROR = "q"
#: The quiet zone the QR standard asks for (4 modules); scanners fail more often with less.
QR_BORDER = 4
#: PNG pixels per module: a version 7-9 code is 1-1.2 k pixels wide, 8-10 cm at 300 dpi.
PNG_SCALE = 20
PNG_DPI = 300


def make_qr(url: str) -> segno.QRCode:
    # boost_error keeps at least Q but raises it when the same symbol size allows more.
    return segno.make_qr(url, error=QR_ERROR)


def qr_png(url: str) -> bytes:
    """The code as PNG bytes, print-sized, with the quiet zone."""
    buffer = io.BytesIO()
    make_qr(url).save(buffer, kind="png", scale=PNG_SCALE, border=QR_BORDER, dpi=PNG_DPI)
    return buffer.getvalue()


def write_qr(rows: Iterable[LinkRow], directory: Path) -> list[Path]:
    """`<payload>.svg` and `<payload>.png` per link, with a white quiet zone of 4 modules."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for row in rows:
        qr = make_qr(row.url)
        svg = directory / f"{row.payload}.svg"
        png = directory / f"{row.payload}.png"
        qr.save(
            str(svg),
            kind="svg",
            scale=10,
            border=QR_BORDER,
            dark="#000",
            light="#fff",
            title=row.title,
            desc=row.url,
        )
        png.write_bytes(qr_png(row.url))
        written += [svg, png]
    return written


def qr_svg_inline(url: str, title: str) -> str:
    """The QR code as an inline SVG sized by CSS: a white square and one filled path.

    Runs of dark modules as filled unit rectangles in a single path (segno's own SVG strokes
    each row), so no renderer can leave hairlines between rows at odd scales.
    """
    qr = make_qr(url)
    size = qr.symbol_size(border=QR_BORDER)[0]
    runs: list[str] = []
    for y, row in enumerate(qr.matrix_iter(scale=1, border=QR_BORDER)):
        x = 0
        for dark, group in itertools.groupby(row):
            width = len(list(group))
            if dark:
                runs.append(f"M{x} {y}h{width}v1h-{width}z")
            x += width
    return render("qr.svg.j2", size=size, title=title, path="".join(runs)).strip()
