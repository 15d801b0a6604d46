"""Every table keyed by one of the record format's enums covers exactly its members, so a new
member can't crash a build (a KeyError) or silently go missing from a page."""

from __future__ import annotations

from typing import get_args

import pytest

from generator import analyze, attribution, charts, model


@pytest.mark.parametrize(
    ("table", "enum"),
    [
        (attribution._KIND_PHRASES, model.ContributionKind),
        (attribution._TOOLKIT_TYPE, model.ContributionKind),
        (charts.KIND_COLOURS, model.ContributionKind),
    ],
    ids=["kind phrases", "toolkit codes", "chart colours"],
)
def test_a_table_keyed_by_an_enum_has_every_member(table, enum):
    assert set(table) == set(get_args(enum))


def test_orders_are_the_enums_own():
    assert attribution.KIND_ORDER == analyze.KINDS == get_args(model.ContributionKind)
    assert analyze.OUTCOMES == get_args(model.Outcome)
    assert set(analyze.OPEN_OUTCOMES) <= set(analyze.OUTCOMES)
    assert sorted(analyze.LISTING_ORDER) == sorted(analyze.OUTCOMES)
    assert attribution._REVIEW_KINDS <= set(get_args(model.ContributionKind))


def test_toolkit_codes_are_the_toolkits():
    assert set(attribution._TOOLKIT_TYPE.values()) <= set(attribution.CONTRIBUTIONS)
