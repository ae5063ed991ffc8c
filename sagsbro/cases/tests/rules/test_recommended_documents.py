"""The evaluation's checklist of documents for the team meeting, as recommended documents per
subtype: checked against the attachments, never a condition for sending."""

import pytest

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.cases.rules.requirements import (
    RECOMMENDED,
    REQUIREMENTS,
    missing_for_sending,
    recommended_documents,
)
from sagsbro.conftest import COMPLETE
from sagsbro.documents.rules import Category


def test_every_subtype_has_its_list_and_none_repeats_a_requirement():
    assert set(RECOMMENDED) == set(Subtype)
    for subtype, recommended in RECOMMENDED.items():
        required = {a.categories for a in REQUIREMENTS[subtype].attachments}
        assert not {r.categories for r in recommended} & required, subtype


def test_the_team_case_recommends_the_evaluations_checklist():
    labels = [r.label for r in recommended_documents(Subtype.REHABILITERINGSTEAM, ())]
    assert labels == [
        "Sagsresumé til den forberedende del",
        "Nyeste speciallægeattester og psykologiske undersøgelser",
        "Nyeste øvrige lægeattester, der uddyber LÆ 265",
        "Rapporter fra virksomhedspraktik, arbejdsprøvning eller opkvalificering",
    ]
    # The preparatory part and LÆ 265 stay what they were: required.
    keys = {m.key for m in missing_for_sending(Subtype.REHABILITERINGSTEAM, (), (), ())}
    assert {"attachment:forberedende_del", "attachment:lae_265"} <= keys


def test_an_item_is_present_when_one_of_its_categories_is_attached():
    items = recommended_documents(
        Subtype.REHABILITERINGSTEAM,
        {Category.PSYCHOLOGICAL_ASSESSMENT, Category.CASE_SUMMARY, Category.LAE_265},
    )
    assert [(i.key, i.present) for i in items] == [
        ("recommended:case_summary", True),
        ("recommended:lae_275|psychological_assessment|specialist_certificate", True),
        ("recommended:new_health_information|other_health_information", False),
        ("recommended:work_trial_report", False),
    ]


@pytest.mark.parametrize("subtype", list(Subtype), ids=str)
def test_recommended_documents_never_hold_up_sending(subtype):
    """A case with exactly what the procedures require, and none of the recommended
    documents, lacks nothing; the requirements never name a recommended key."""
    fields, categories, consents = COMPLETE[subtype]
    filled = set(fields) | ({"parent"} if subtype == Subtype.GENFORELAEGGELSE else set())
    assert missing_for_sending(subtype, filled, categories, consents) == []
    assert not any(r.present for r in recommended_documents(subtype, categories))
    everything = missing_for_sending(subtype, (), (), ())
    assert not any(m.key.startswith("recommended:") for m in everything)
