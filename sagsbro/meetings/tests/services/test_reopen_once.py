"""An earlier case goes back to the team once: a repeated or simultaneous "reopen as
genforelæggelse" (or POST /cases/ with the same parent) answers 409 with the first case's id,
on the page a redirect to it, and the database refuses a second live child by itself."""

import pytest
from django.db import (
    IntegrityError,
    transaction,
)
from django.test import Client
from django.utils import timezone

from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, make_case
from sagsbro.core.errors import AlreadyDone
from sagsbro.meetings import services as meeting_services
from sagsbro.tests.concurrency import run_at_once
from sagsbro.workdays.services import configured_calendar

API = "/api/v1"


def _meeting(working_days_ahead=20):
    return configured_calendar().add_working_days(timezone.localdate(), working_days_ahead)


def _closed_parent(side):
    case = make_case(side, Subtype.REHABILITERINGSTEAM, purpose="ressourceforloeb")
    Case.objects.filter(pk=case.pk).update(state="closed")
    return Case.objects.get(pk=case.pk)


def _reopen(side, parent):
    return api_client(side.caseworker).post(
        f"{API}/cases/{parent.pk}/reopen-as-genforelaeggelse/",
        {"meeting_date": _meeting().isoformat()},
        format="json",
    )


def _children(parent):
    return list(Case.objects.filter(parent=parent).values_list("pk", flat=True))


def test_second_reopen_answers_409_with_the_first_case(side_a):
    parent = _closed_parent(side_a)
    first = _reopen(side_a, parent)
    assert first.status_code == 201, first.json()
    first_id = first.json()["id"]

    second = _reopen(side_a, parent)
    assert second.status_code == 409, second.json()
    body = second.json()
    assert body["code"] == "already_reopened"
    reference = Case.objects.get(pk=first_id).reference
    assert body["detail"] == f"Sagen er allerede genoptaget som genforelæggelse {reference}."
    assert body["existing"]["id"] == first_id
    assert body["existing"]["reference"] == reference
    assert body["existing"]["url"].endswith(f"{API}/cases/{first_id}/")
    assert _children(parent) == [first_id]


def test_post_cases_with_the_same_parent_answers_409(side_a):
    parent = _closed_parent(side_a)
    assert _reopen(side_a, parent).status_code == 201
    response = api_client(side_a.caseworker).post(
        f"{API}/cases/",
        {
            "subtype": "genforelaeggelse",
            "citizen": side_a.citizen.pk,
            "parent": parent.pk,
            "purpose": "ressourceforloeb",
            "meeting_date": _meeting().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "already_reopened"
    assert len(_children(parent)) == 1


def test_a_discarded_genforelaeggelse_does_not_block_a_new_one(side_a):
    parent = _closed_parent(side_a)
    first = meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting())
    case_services.discard_draft(side_a.caseworker, first)
    again = meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting())
    assert again.pk != first.pk
    assert Case.objects.get(pk=first.pk).state == "withdrawn"


def test_the_page_sends_a_second_submit_to_the_first_case(side_a):
    parent = _closed_parent(side_a)
    client = Client()
    client.force_login(side_a.caseworker)
    url = f"/sager/{parent.pk}/handling/reopen_as_genforelaeggelse/"
    data = {"meeting_date": _meeting().isoformat()}
    first = client.post(url, data)
    assert first.status_code == 302
    (child,) = _children(parent)
    second = client.post(url, data, follow=True)
    assert second.redirect_chain[0][0] == f"/sager/{child}/"
    reference = Case.objects.get(pk=child).reference
    assert f"Sagen er allerede genoptaget som genforelæggelse {reference}." in (
        second.content.decode()
    )
    assert _children(parent) == [child]


def test_the_database_refuses_a_second_live_genforelaeggelse(side_a):
    parent = _closed_parent(side_a)
    first = meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting())
    copy = Case.objects.get(pk=first.pk)
    copy.pk = None
    copy.reference = "SB-COPY"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_reopens_make_one_case(side_a):
    """Two requests at once: the lock on the earlier case (PostgreSQL) or the IMMEDIATE
    transaction (SQLite) makes the second wait, find the first one's case and answer 409."""
    parent = _closed_parent(side_a)

    def reopen():
        return meeting_services.reopen_as_genforelaeggelse(side_a.caseworker, parent, _meeting())

    outcomes = run_at_once(reopen, reopen)

    made = [o for o in outcomes if isinstance(o, Case)]
    refused = [o for o in outcomes if isinstance(o, AlreadyDone)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert refused[0].existing["id"] == made[0].pk
    assert _children(parent) == [made[0].pk]
