"""Anonymous feedback from residents: the survey (Telegram-free), its storage and abuse limits.

Nothing here knows who answered: a submission carries a random id, the answers, scrubbed free
text, the language and the ISO week, and nothing else.
"""
