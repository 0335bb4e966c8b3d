"""Attachments of posts and proposals; checked and stored by `ucs.uploads`."""

MAX_ATTACHMENTS = 10
