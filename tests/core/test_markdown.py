import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from core.markdown import render_markdown


def test_renders_ordinary_markdown():
    html = render_markdown("**bold** and *italic*\n\n- one\n- two\n\n[site](https://ucs.example)")
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://ucs.example"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
    assert isinstance(html, SafeString)


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<script>alert(1)</script>", "alert(1)"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("[click](JaVaScRiPt:alert(1))", "javascript"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="https://ok.example" onclick="steal()">k</a>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ('<div style="position:fixed">x</div>', "style="),
        ("<form action='https://evil.example'><input></form>", "<form"),
        ("![pixel](https://tracker.example/p.gif)", "<img"),
        ("<!-- hidden --> text", "hidden"),
        ('<svg onload="alert(1)"></svg>', "onload"),
    ],
)
def test_strips_everything_dangerous(source, forbidden):
    assert forbidden.lower() not in render_markdown(source).lower()


def test_raw_html_keeps_only_its_text():
    html = render_markdown("<div><b>bold</b> <marquee>moving</marquee></div>")
    assert "<div" not in html
    assert "<marquee" not in html
    assert "moving" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_template_filter_uses_the_same_renderer():
    template = Template("{% load ucs_markdown %}{{ text|markdown }}")
    html = template.render(Context({"text": "**hi** <script>x()</script>"}))
    assert "<strong>hi</strong>" in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Hello, how are you? Fine.", "<p>Hello, how are you? Fine.</p>"),
        ("**bold** and *it*", "<p><strong>bold</strong> and <em>it</em></p>"),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("# not a heading in chat", "not a heading in chat"),  # the text stays, the tag goes
        ("", ""),
    ],
)
def test_light_markdown_for_chat_messages(text, html):
    assert str(render_markdown(text, light=True)) == html


def test_plain_text_fast_path_matches_the_parser():
    import markdown

    for text in ["Just a sentence", "Numbers 42 and words", "Привет, как дела?"]:
        assert str(render_markdown(text)) == markdown.markdown(text)
        assert str(render_markdown(text, light=True)) == markdown.markdown(text)
