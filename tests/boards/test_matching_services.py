"""On PostgreSQL the database pre-ranks with the same formula as Python: prove they agree."""

import types

import pytest

from boards import matching
from members.models import District, OrganizationKind
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]

VOCABULARY = (
    "air quality sensors iot data cloud mobility transport traffic parking energy solar water "
    "health clinic education school safety seismic digital tourism urban gis housing social "
    "economy investment research lab software logistics waste recycling climate drones"
)
WORDS = VOCABULARY.split()


def test_sql_and_python_rankings_agree(make_post, monkeypatch):
    import random

    rng = random.Random(7)
    kinds = [k for k in OrganizationKind.values if k != OrganizationKind.GOVERNMENT]
    for i in range(120):
        words = rng.sample(WORDS, 8)
        OrganizationFactory.create(
            name=f"{words[0].title()} {i}",
            kind=rng.choice(kinds),
            district=rng.choice(District.values),
            tagline=" ".join(words[1:5]),
            description=" ".join(words[5:]),
        )
    post = make_post()
    arguments = {
        "post": post,
        "categories": ["ecology", "digital_government"],
        "districts": ["medeu"],
        "tags": post.tags,
        "keep": 15,
    }
    in_sql = matching.rank_organizations(**arguments)
    monkeypatch.setattr(matching, "connection", types.SimpleNamespace(vendor="python"))
    in_python = matching.rank_organizations(**arguments)
    assert len(in_sql) == 15
    assert [(m.organization_id, m.score) for m in in_sql] == [
        (m.organization_id, m.score) for m in in_python
    ]
    assert in_sql[0].reasons == in_python[0].reasons
