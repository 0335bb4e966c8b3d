"""Attachments of messages; checked and stored by `core.uploads`."""

MAX_ATTACHMENTS = 5
