"""Outreach bot for Roma residents of Swedish municipalities (Swedish, Romani chib, Finnish)."""

__version__ = "0.1.0"
