"""The site's one sanitising Markdown renderer: every user-written text goes through here.

Markdown turns text into HTML (raw HTML in the source passes through it), then nh3 (the
Rust `ammonia` sanitiser) keeps only an allow-list of tags, attributes and URL schemes.
Sanitising the *output* is what makes it safe, whatever Markdown did with the input.
"""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
MAX_SOURCE_LENGTH = 50_000


def render_markdown(text: str | None) -> SafeString:
    """Render user-written Markdown to HTML that is safe to put into any page."""
    if not text:
        return mark_safe("")
    html = md.markdown(text[:MAX_SOURCE_LENGTH], extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
