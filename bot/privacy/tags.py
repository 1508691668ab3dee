"""Deep-link source tags are free text anyone can put in a link (review F8): a tag that carries
personal data (a personnummer, a phone number, a name) is counted as "other", never stored.

Registered tags (content/source-tags.yaml, bridge-builders' /links) are plain place codes and pass
unchanged; so do ordinary poster codes such as "haninge1" or "poster7".
"""

from __future__ import annotations

import re

from bot.privacy.scrubber import find_personal_data

OTHER = "other"
_LONG_NUMBER = re.compile(r"\d{6,}")


def countable_tag(tag: str) -> str:
    """The tag as it may be counted: itself, or "other" if it looks like it names someone."""
    words = re.sub(r"[_-]+", " ", tag)
    if _LONG_NUMBER.search(tag) or find_personal_data(words):
        return OTHER
    return tag
