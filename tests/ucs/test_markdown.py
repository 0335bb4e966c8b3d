import pytest

from ucs.markdown import render_markdown


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Hello, how are you? Fine.", "<p>Hello, how are you? Fine.</p>"),
        ("**bold** and *it*", "<p><strong>bold</strong> and <em>it</em></p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("", ""),
    ],
)
def test_light_markdown(text, html):
    assert str(render_markdown(text)) == html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x.example" onclick="steal()">x</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_nothing_dangerous_survives(text):
    html = str(render_markdown(text))
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
        assert bad not in html


def test_links_get_nofollow():
    html = str(render_markdown("[site](https://example.com)"))
    assert 'href="https://example.com"' in html
    assert "nofollow" in html


def test_plain_text_fast_path_matches_the_parser():
    import markdown

    for text in ["Just a sentence", "Numbers 42 and words", "Привет, как дела?"]:
        assert str(render_markdown(text)) == markdown.markdown(text)
