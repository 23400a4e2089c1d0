"""The query's last word found by its beginning (as the suggestions find it), on each engine:
whole words first."""

import pytest
from django.test import override_settings

from tests.search.conftest import api, elasticsearch_index, slugs

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def places(request, corpus, django_capture_on_commit_callbacks):
    """Two more destinations: one whose title only begins with "mandi", one that says "mandi"
    in its summary; each engine with them indexed."""
    from tests.tourism import factories

    with override_settings(ELASTICSEARCH_URLS=[]), django_capture_on_commit_callbacks(execute=True):
        factories.destination(slug="bukit-mandiangin", title="Bukit Mandiangin",
                              summary="Bukit berhutan dengan jalur pendakian dan pemandangan kota.")
        factories.destination(slug="lubuk-jernih", title="Lubuk Jernih",
                              summary="Tempat mandi di sungai yang jernih dan sejuk.")
    if request.param == "elasticsearch":
        with elasticsearch_index():
            yield request.param
    else:
        yield request.param


def test_whole_words_rank_above_words_only_begun(client, places):
    # The whole word in a summary above a title that only begins with it; both found.
    assert slugs(api(client, q="mandi")) == ["lubuk-jernih", "bukit-mandiangin"]
    assert slugs(api(client, q="bukit mandi")) == ["bukit-mandiangin"]
