"""Development tooling, never installed with the bot: the fake Bot API, the terminal chat,
benchmarks, the durability soak, evaluation runners and catalog extraction.

Run from the repository root: `python -m devtools <command>`.
"""
