"""Telegram handlers, one module per user journey. They stay thin: translate an update into calls
on the Telegram-free domain code (views, content, storage) and send the resulting screen."""
