"""A returned referral that the municipality sends again is received anew (BEK § 21, stk. 2):
the referral's receipt follows the case's, so the intake list and the API show the new day
and order the referral by it, and the 30 days (BEK § 23) run from it."""

import datetime

from django.test import Client
from django.utils import timezone

from sagsbro.cases import services as case_services
from sagsbro.cases.models import Case
from sagsbro.cases.services import transitions
from sagsbro.clinical.models import Referral
from sagsbro.clinical.services.referral_receipt import follow_case_receipt
from sagsbro.clinical.services.referrals import intake_list
from sagsbro.clinical.tests.services.test_referrals import refer, screened_team_case
from sagsbro.conftest import api_client


def received_days_ago(referral, days):
    moment = timezone.now() - datetime.timedelta(days=days)
    Case.objects.filter(pk=referral.case_id).update(received_at=moment)
    Referral.objects.filter(pk=referral.pk).update(received_at=moment)
    return moment


def test_the_listener_is_registered():
    assert follow_case_receipt in transitions._listeners


def test_the_resent_referral_is_received_anew(side_a):
    first = refer(side_a, screened_team_case(side_a))
    received_days_ago(first, 10)
    second = refer(side_a, screened_team_case(side_a))
    received_days_ago(second, 5)
    assert list(intake_list(side_a.secretariat)) == [first, second]

    case = case_services.return_for_information(
        side_a.secretariat, Case.objects.get(pk=first.case_id), "Mangler seneste journalnotat."
    )
    case_services.resend_case(side_a.caseworker, case, "Journalnotatet er vedhæftet.")

    case.refresh_from_db()
    first.refresh_from_db()
    assert case.received_at is not None
    assert timezone.localdate(case.received_at) == timezone.localdate()
    assert first.received_at == case.received_at
    # Received last, it is listed last; the other referral keeps its day.
    assert list(intake_list(side_a.secretariat)) == [second, first]
    assert Referral.objects.get(pk=second.pk).received_at < first.received_at

    today = f"{timezone.localdate():%d.%m.%Y}"
    client = Client()
    client.force_login(side_a.secretariat)
    html = client.get("/klinisk/henvisninger/").content.decode()
    row = html[html.index(case.reference) :]
    assert row[: row.index("</tr>")].count(today) == 1

    rows = api_client(side_a.secretariat).get("/api/v1/referrals/").json()["results"]
    shown = {row["id"]: row["received_at"] for row in rows}
    assert datetime.datetime.fromisoformat(shown[first.pk]) == first.received_at
