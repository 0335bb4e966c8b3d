import pytest
from django.core.management import call_command

from boards.models import Post, PostMatch, PostStatus, Proposal, ProposalStatus
from core.markdown import render_markdown

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_boards_and_changes_nothing_twice(settings):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Post.objects.count(), Proposal.objects.count(), PostMatch.objects.count())
    assert counts[0] >= 10
    assert set(Post.objects.values_list("kind", flat=True)) == {"problem", "project", "call"}
    assert {PostStatus.OPEN, PostStatus.REVIEWING, PostStatus.IN_PROGRESS} <= set(
        Post.objects.values_list("status", flat=True)
    )
    assert {PostStatus.COMPLETED, PostStatus.CLOSED} <= set(
        Post.objects.values_list("status", flat=True)
    )
    assert set(ProposalStatus.values) <= set(Proposal.objects.values_list("status", flat=True))
    assert any(p.is_overdue() for p in Proposal.objects.all())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Post.objects.count(), Proposal.objects.count(), PostMatch.objects.count()) == counts


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("**bold**", "<strong>bold</strong>", None),
        ("<script>alert(1)</script>", None, "<script"),
        ("[x](javascript:alert(1))", None, "javascript:"),
        ('<img src=x onerror="alert(1)">', None, "onerror"),
        ("[site](https://example.com)", 'rel="nofollow noopener noreferrer ugc"', None),
        ("<a href='https://e.com' style='color:red'>x</a>", None, "style="),
    ],
)
def test_render_markdown_sanitises(text, present, absent):
    html = render_markdown(text)
    if present:
        assert present in html
    if absent:
        assert absent not in html


def test_the_markdown_filter(client):
    from django.template import Context, Template

    out = Template("{% load ucs_markdown %}{{ text|markdown }}").render(
        Context({"text": "*hi* <b onclick=x>there</b>"})
    )
    assert "<em>hi</em>" in out
    assert "onclick" not in out
    assert render_markdown("") == ""
