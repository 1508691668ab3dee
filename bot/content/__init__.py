"""Curated content: typed model, strict loader, and the checker behind `python -m bot check`."""

from bot.content.loader import load_library, load_library_with_problems
from bot.content.model import LANGUAGES, REFERENCE_LANGUAGE, Lang, Library, Place, Topic
from bot.content.yaml_reader import ContentError, Problem

__all__ = [
    "LANGUAGES",
    "REFERENCE_LANGUAGE",
    "ContentError",
    "Lang",
    "Library",
    "Place",
    "Problem",
    "Topic",
    "load_library",
    "load_library_with_problems",
]
