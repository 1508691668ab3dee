"""Posters to PDF with headless Chromium, when one is installed (optional everywhere)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    return next((path for name in _CHROMIUM_NAMES if (path := shutil.which(name))), None)


def chromium_command(browser: str, profile: Path, html: Path, output_flag: str) -> list[str]:
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        output_flag,
        html.resolve().as_uri(),
    ]


def write_pdfs(
    html_files: Iterable[Path], browser: str | None = None, timeout: float = 120.0
) -> list[Path]:
    """A PDF beside each HTML poster via headless Chromium; [] when no Chromium is installed.

    Blocking (a subprocess per page): call it from a thread in async code.
    """
    browser = browser or find_chromium()
    if browser is None:
        return []
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="bot-links-chromium-") as profile:
        for html in html_files:
            pdf = html.with_suffix(".pdf")
            command = chromium_command(browser, Path(profile), html, f"--print-to-pdf={pdf}")
            subprocess.run(command, check=True, capture_output=True, timeout=timeout)
            if not pdf.exists() or pdf.stat().st_size == 0:
                raise RuntimeError(f"Chromium wrote no PDF for {html.name}")
            written.append(pdf)
    return written
