"""Each party adds the documents it is responsible for: the municipality never the region's
(the coordinator's advice, the specialist's certificates, the written answer), the region
never the municipality's (the team's indstilling, the plans, the caseworker's summaries)."""

import pytest

from sagsbro.documents.rules import (
    UPLOADING_SIDES,
    Category,
    Side,
    side_may_upload,
    upload_refusal,
)

MUNICIPALITY_ONLY = {
    Category.FORBEREDENDE_DEL,
    Category.CASE_SUMMARY,
    # The request to the GP and the letter to the citizen about LÆ 265 are the municipality's.
    Category.LAE_261,
    Category.LAE_262,
    Category.LAE_265,
    Category.LAE_271,
    Category.INDSTILLING,
    Category.INDSATSPLAN,
    Category.EMPLOYMENT_OFFER,
    Category.CITIZEN_STATEMENT,
    Category.CASEWORKER_SUMMARY,
    Category.DOCUMENTATION,
    Category.WORK_TRIAL_REPORT,
    Category.FORWARDED_COORDINATOR_ADVICE,
    # The municipality's letter to the citizen after the team meeting.
    Category.CITIZEN_CONCLUSION,
    # The citizen's consent is given to the municipality, which attaches it.
    Category.CONSENT,
}
REGION_ONLY = {
    Category.LAE_275,
    Category.COORDINATOR_ADVICE,
    Category.COORDINATOR_NOTE,
    Category.SPECIALIST_CERTIFICATE,
    Category.WRITTEN_ANSWER,
}


def test_every_category_names_who_adds_it():
    assert set(UPLOADING_SIDES) == set(Category)
    assert all(UPLOADING_SIDES.values())


@pytest.mark.parametrize("category", sorted(Category))
def test_who_may_upload_each_category(category):
    expected_municipality = category not in REGION_ONLY
    expected_region = category not in MUNICIPALITY_ONLY
    assert side_may_upload(Side.MUNICIPALITY, category) is expected_municipality
    assert side_may_upload(Side.REGION, category) is expected_region


def test_the_examples_of_the_rule():
    assert not side_may_upload(Side.REGION, "indstilling")
    assert not side_may_upload(Side.MUNICIPALITY, "coordinator_advice")
    assert side_may_upload(Side.MUNICIPALITY, "forwarded_coordinator_advice")
    assert side_may_upload(Side.REGION, "new_health_information")


def test_an_unknown_category_is_no_ones():
    assert not side_may_upload(Side.MUNICIPALITY, "executable")
    assert not side_may_upload(Side.REGION, "")


def test_the_refusal_names_the_category_and_its_owner():
    assert upload_refusal(Side.REGION, Category.INDSTILLING) == (
        "Regionen kan ikke tilføje dokumenter af typen »Rehabiliteringsteamets indstilling«: "
        "det er kommunens dokument."
    )
    assert upload_refusal(Side.MUNICIPALITY, Category.COORDINATOR_ADVICE) == (
        "Kommunen kan ikke tilføje dokumenter af typen »Sundhedskoordinators tidligere resumé "
        "og rådgivning«: det er regionens dokument."
    )
