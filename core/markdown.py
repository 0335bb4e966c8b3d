"""The site's one sanitising Markdown renderer: every user-written text goes through here.

Markdown turns text into HTML (raw HTML in the source passes through it), then nh3 (the
Rust `ammonia` sanitiser) keeps only an allow-list of tags, attributes and URL schemes.
Sanitising the *output* is what makes it safe, whatever Markdown did with the input.

Two allow-lists: the full one for profiles and board posts (headings, tables), and a light
one for chat messages, where a single newline is a line break.
"""

import re

import markdown as md
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "b", "i", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
LIGHT_TAGS = frozenset(
    {"p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
LIGHT_EXTENSIONS = ["fenced_code", "sane_lists", "nl2br"]
MAX_SOURCE_LENGTH = 50_000

# Text without any character Markdown or HTML gives a meaning to is one paragraph as it is.
# Most chat messages are such text, and skipping the parser for them is five times faster.
_PLAIN = re.compile(r"[^\\`*_\[\]<>#&!|~\n\r(){}=:+-]*\Z")


def render_markdown(text: str | None, *, light: bool = False) -> SafeString:
    """Render user-written Markdown to HTML that is safe to put into any page."""
    if not text or not text.strip():
        return mark_safe("")
    text = text[:MAX_SOURCE_LENGTH]
    if _PLAIN.match(text) and not text[:1].isdigit():
        return mark_safe(f"<p>{escape(text.strip())}</p>")  # noqa: S308 - escaped
    html = md.markdown(
        text, extensions=LIGHT_EXTENSIONS if light else EXTENSIONS, output_format="html"
    )
    clean = nh3.clean(
        html,
        tags=set(LIGHT_TAGS if light else ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
