"""What the bot tells residents staff can see, as data: /privacy, the survey's thank-you and the
README are written from these lists, and tests/privacy/test_claims.py holds them against the
export (bot/exports/data.py `Comment`, `QuestionCount`, the tables), so a change in what staff
see cannot leave a privacy sentence untrue.
"""

from __future__ import annotations

#: Per feedback comment, what the resident gave that the staff export lists next to it.
FEEDBACK_ROW: tuple[str, ...] = (
    "month",
    "week",
    "lang",
    "service",
    "rating",
    "respect",
    "municipality",
    "comment",
)
#: Also on a comment's row, added by the bot or by staff, nothing the resident gave: a random
#: reference, the rating's group (good, neither, bad), staff's themes and handled/quote marks.
FEEDBACK_ADDED: tuple[str, ...] = ("ref", "rating_group", "themes", "handled", "quotable")
#: Stored beside a submission, derived from what is claimed above, never shown as its own column:
#: whether it had a comment (kept when retention deletes the text, so tables stay the same).
FEEDBACK_DERIVED: tuple[str, ...] = ("commented",)
#: Answers that reach staff only as counts in tables where small groups are hidden.
FEEDBACK_AGGREGATE_ONLY: tuple[str, ...] = ("age_band",)
#: Per question sent to the editors: its text and language, counted with identical questions.
QUESTION_ROW: tuple[str, ...] = ("question", "langs", "count")
#: Never stored with feedback or questions, so never in any export.
NEVER_STORED: tuple[str, ...] = ("user_key", "user_id", "chat_id", "name", "username", "time")
