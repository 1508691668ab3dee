"""Content beside the topics that the bot needs at run time: typed control words, source tags
that know their place, and recorded audio. Loaded once (start-up, /reload), checked by `check`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.content.audio import AudioLibrary, load_audio
from bot.content.control_words import ControlWords, load_control_words
from bot.content.model import Library
from bot.content.yaml_reader import Problem
from bot.links.sourcetags import StaticTags, load_source_tags

CONTROL_WORDS_FILE = "control-words.yaml"
SOURCE_TAGS_FILE = "source-tags.yaml"
AUDIO_DIR = "audio"


@dataclass(frozen=True, slots=True)
class Addons:
    control_words: ControlWords = field(default_factory=ControlWords)
    source_tags: StaticTags = field(default_factory=StaticTags)
    audio: AudioLibrary = field(default_factory=AudioLibrary)


def load_addons(content_dir: Path, library: Library) -> tuple[Addons, list[Problem]]:
    """Everything that validates, and every problem found (errors and warnings)."""
    words_path = content_dir / CONTROL_WORDS_FILE
    words, word_problems = load_control_words(words_path)
    tags_path = content_dir / SOURCE_TAGS_FILE
    municipalities = [m.id for m in library.municipalities]
    tags, tag_problems = load_source_tags(tags_path, municipalities)
    audio, audio_problems = load_audio(content_dir / AUDIO_DIR, library.topic_ids)
    problems = [
        *(Problem(words_path, 1, message) for message in word_problems),
        *(Problem(tags_path, 1, message) for message in tag_problems),
        *(Problem(p.path, 1, p.message, p.severity) for p in audio_problems),
    ]
    return Addons(words, tags, audio), problems
