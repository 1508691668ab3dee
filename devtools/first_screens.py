"""`python -m devtools first-screens`: what a reader sees first of each topic, per language.

The first message of a topic (menu, deep link and typed question show the same one), in UTF-16
units as Telegram counts, for every topic and, for local topics, every municipality. Prints the
median and the longest per language, and the longest topics. Issue 11's target: at most 700.
"""

from __future__ import annotations

import statistics

from bot.config import load_settings
from bot.content import load_library
from bot.content.model import LANGUAGES
from bot.i18n import load_translators
from bot.ui.topic import FIRST_SCREEN_MAX, first_screen_length


def main(argv: list[str]) -> int:
    settings = load_settings(require_token=False)
    library = load_library(settings.content_dir)
    translators = load_translators(settings.locale_dir)
    everyone: list[str | None] = [m.id for m in library.municipalities] or [None]
    worst = 0
    print(f"{'lang':5} {'screens':>7} {'median':>7} {'max':>5}  longest")
    for lang in LANGUAGES:
        sizes: list[tuple[int, str]] = []
        for topic_id in library.topic_ids:
            topic = library.topic(lang, topic_id)
            places: list[str | None] = everyone if topic_id in library.local_topics else [None]
            for municipality in places:
                size = first_screen_length(translators[lang], library, topic, municipality)
                sizes.append((size, f"{topic_id}/{municipality}" if municipality else topic_id))
        lengths = [size for size, _ in sizes]
        longest = max(sizes)
        worst = max(worst, longest[0])
        print(
            f"{lang:5} {len(lengths):7} {statistics.median(lengths):7.0f} {longest[0]:5}  "
            f"{longest[1]}"
        )
    print(
        f"target: at most {FIRST_SCREEN_MAX} ({'met' if worst <= FIRST_SCREEN_MAX else 'NOT met'})"
    )
    return 0 if worst <= FIRST_SCREEN_MAX else 1
