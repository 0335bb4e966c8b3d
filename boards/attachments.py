"""Attachments of posts and proposals; checked and stored by `core.uploads`."""

MAX_ATTACHMENTS = 10
