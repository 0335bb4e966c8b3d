"""The site's one sanitising renderer for text that people write."""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Light Markdown to HTML that is safe to put on a page as it is.

    Markdown passes raw HTML through, so nh3 (an allow-list sanitiser) has the last word:
    any tag, attribute or URL scheme not listed above is removed, links get rel="nofollow".
    """
    html = md.markdown(text, extensions=["sane_lists", "nl2br", "fenced_code"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it
