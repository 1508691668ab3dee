"""Anonymous questions to a municipality's bridge-builders ("cases"), Telegram-free.

The bot posts a resident's question in the bridge-builder group as a numbered case carrying the
text, the language and the municipality, nothing else; answers come back through the bot. The
only link between a case and the resident's chat is a sealed record (see seal.py).
"""
