"""Multilingual free-text search over the topics (Swedish, Finnish, Romani chib), no external
service: `engine.SearchEngine` (built once at start-up) answers `search(text)` with a kind
("match", "choices", "greeting", "thanks", "none") and topic ids. See index.py for the design."""
