"""What the bot tells residents staff can see, as data: /privacy, the bot's description and the
survey's thank-you are written from these lists, and tests/privacy/test_claims.py holds them
against the export (bot/exports/data.py `Submission`, `UnansweredQuestion` and the tables), so a
change in what staff see cannot leave a privacy sentence untrue.
"""

from __future__ import annotations

#: Per feedback submission, what the staff export lists next to each other (one row each).
FEEDBACK_ROW: tuple[str, ...] = ("week", "lang", "service", "rating", "respect", "comment")
#: Answers that reach staff only as counts in tables where groups under the threshold are hidden.
FEEDBACK_AGGREGATE_ONLY: tuple[str, ...] = ("age_band", "municipality")
#: Per question sent to the editors, what the staff export lists.
QUESTION_ROW: tuple[str, ...] = ("week", "lang", "question")
#: Never stored with feedback or questions, so never in any export.
NEVER_STORED: tuple[str, ...] = ("user_key", "user_id", "chat_id", "name", "username", "time")
