"""Attachments of messages; checked and stored by `ucs.uploads`."""

MAX_ATTACHMENTS = 5
