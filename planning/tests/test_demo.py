import pytest

from accounts import services as accounts
from accounts.models import OrganisationKind
from planning.demo import ensure_demo_plan, ensure_demo_roadmaps, optimiser_figures
from planning.models import FieldVisit, RoadmapItem, YearTarget
from planning.tests.helpers import BASE, make_world

pytestmark = pytest.mark.django_db


def test_the_demo_roadmaps_are_illustrative_seeded_and_include_overdue_items_and_two_visits(criteria_sets, settings):
    settings.NTM_PROVINCE_REFS = "10"
    w = make_world(12, failing={i: {"3", "10", "17"} if i % 3 else {"13"} for i in range(12)})
    agency = accounts.ensure_organisation(code="so-nong-nghiep", name="Sở NN&PTNT", kind=OrganisationKind.AGENCY,
                                          unit=w["province"])
    accounts.assign_criteria(organisation=agency, criteria=[(BASE, "3"), (BASE, "13")])
    ensure_demo_plan()
    summary = ensure_demo_roadmaps(seed=7)
    assert summary["communes"] == 12 and summary["items"] == 8 * 3 + 4
    assert all(item.illustrative and "minh họa" in item.title for item in RoadmapItem.objects.all())
    assert FieldVisit.objects.filter(illustrative=True).count() == 2
    assert YearTarget.objects.filter(year=2025, min_criteria=10).exists()
    assert ensure_demo_roadmaps(seed=7) == {"skipped": True}
    figures = optimiser_figures((0, 10**6))
    assert figures[0] == (0, 0) and figures[10**6][0] == 12
