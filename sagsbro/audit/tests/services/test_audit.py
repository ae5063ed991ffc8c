"""Every read and write of a citizen's data leaves an audit entry; the log cannot be changed."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from sagsbro.audit.models import AppendOnlyError, AuditEntry
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import api_client, assigned_case, make_case


def entries_after(mark):
    return list(AuditEntry.objects.filter(id__gt=mark).order_by("id"))


def last_id():
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_reading_a_case_leaves_exactly_one_entry(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    for user in (side_a.caseworker, side_a.secretariat, side_a.coordinator):
        mark = last_id()
        response = api_client(user).get(f"/api/v1/cases/{case.pk}/")
        assert response.status_code == 200
        new = entries_after(mark)
        assert len(new) == 1
        entry = new[0]
        assert (entry.user_id, entry.username, entry.action) == (user.pk, user.username, "read")
        assert (entry.case_id, entry.citizen_id) == (case.pk, side_a.citizen.pk)


def test_a_refused_read_leaves_one_denied_entry_and_no_read(side_a, side_b):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    mark = last_id()
    assert api_client(side_b.caseworker).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    [entry] = entries_after(mark)
    assert (entry.user_id, entry.action, entry.channel) == (side_b.caseworker.pk, "denied", "api")
    assert (entry.object_type, entry.object_id) == ("case", str(case.pk))
    # Filled in for the citizen's insight: who tried to look at my case.
    assert (entry.case_id, entry.citizen_id) == (case.pk, side_a.citizen.pk)


def test_a_refused_document_names_the_document_and_its_case(side_a, side_b):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    document = case.documents.first()
    client = api_client(side_b.coordinator)
    for url in (f"/api/v1/documents/{document.pk}/", f"/api/v1/documents/{document.pk}/content/"):
        mark = last_id()
        assert client.get(url).status_code == 404
        [entry] = entries_after(mark)
        assert (entry.action, entry.object_type, entry.object_id) == (
            "denied",
            "document",
            str(document.pk),
        )
        assert (entry.case_id, entry.citizen_id) == (case.pk, side_a.citizen.pk)


def test_ids_that_are_no_ids_are_recorded_without_the_text_typed(side_a, side_b):
    client = api_client(side_b.caseworker)
    for probe in ("abc", "0101801234", "9" * 60, "-1"):
        mark = last_id()
        assert client.get(f"/api/v1/cases/{probe}/").status_code == 404
        [entry] = entries_after(mark)
        assert (entry.action, entry.object_type, entry.object_id) == ("denied", "case", "")
        assert entry.detail == "ugyldigt id"
        assert (entry.case_id, entry.citizen_id) == (None, None)
    # A plain id of nothing is kept as asked for.
    mark = last_id()
    assert client.get("/api/v1/cases/987654/").status_code == 404
    [entry] = entries_after(mark)
    assert (entry.object_id, entry.case_id) == ("987654", None)


def test_a_role_refusal_on_a_visible_case_is_denied_once(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    mark = last_id()
    # Only the secretariat may see whom to assign; the coordinator sees the case itself.
    response = api_client(side_a.coordinator).get(f"/api/v1/cases/{case.pk}/assignable/")
    assert response.status_code == 404
    [entry] = entries_after(mark)
    assert (entry.user_id, entry.action, entry.case_id) == (
        side_a.coordinator.pk,
        "denied",
        case.pk,
    )


def test_anonymous_probes_and_empty_lists_are_not_refusals(side_a, side_b):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    mark = last_id()
    assert api_client().get(f"/api/v1/cases/{case.pk}/").status_code == 401
    response = api_client(side_b.caseworker).get(f"/api/v1/documents/?case={case.pk}")
    assert response.status_code in (200, 400)
    assert entries_after(mark) == []


def test_the_possible_steps_and_advisers_are_reads_of_the_case(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    for user, url, detail in [
        (side_a.coordinator, f"/api/v1/cases/{case.pk}/transitions/", "mulige sagsskridt"),
        (side_a.secretariat, f"/api/v1/cases/{case.pk}/assignable/", "mulige rådgivere"),
    ]:
        mark = last_id()
        assert api_client(user).get(url).status_code == 200
        [entry] = entries_after(mark)
        assert (entry.user_id, entry.action, entry.detail) == (user.pk, "read", detail)
        assert (entry.case_id, entry.citizen_id) == (case.pk, side_a.citizen.pk)


def test_a_refused_page_leaves_one_denied_entry(side_a, side_b, client):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client.force_login(side_b.caseworker)
    mark = last_id()
    assert client.get(f"/sager/{case.pk}/").status_code == 404
    [entry] = entries_after(mark)
    assert (entry.user_id, entry.action, entry.channel) == (side_b.caseworker.pk, "denied", "web")
    assert (entry.object_type, entry.object_id, entry.case_id) == ("case", str(case.pk), case.pk)
    mark = last_id()
    assert client.get(f"/sager/{'9' * 30}/").status_code == 404
    [entry] = entries_after(mark)
    assert (entry.action, entry.object_id, entry.detail) == ("denied", "", "ugyldigt id")
    # 403: the secretariat sees the case but may not edit the municipality's draft.
    client.force_login(side_a.secretariat)
    mark = last_id()
    assert client.get(f"/sager/{case.pk}/rediger/").status_code == 403
    [entry] = entries_after(mark)
    assert (entry.user_id, entry.action, entry.object_type, entry.case_id) == (
        side_a.secretariat.pk,
        "denied",
        "case",
        case.pk,
    )


def test_a_list_leaves_one_entry_per_case_shown(side_a):
    cases = [make_case(side_a, Subtype.LOEBENDE_SAG, complete=False) for _ in range(3)]
    mark = last_id()
    response = api_client(side_a.caseworker).get("/api/v1/cases/")
    assert len(response.json()["results"]) == 3
    new = entries_after(mark)
    assert sorted(e.case_id for e in new) == sorted(c.pk for c in cases)
    assert {e.action for e in new} == {"list"}


def test_reads_of_history_notes_documents_and_citizens_are_recorded(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    client = api_client(side_a.coordinator)
    document = case.documents.first()
    for url, action in [
        (f"/api/v1/cases/{case.pk}/events/", "read"),
        (f"/api/v1/cases/{case.pk}/notes/", "read"),
        (f"/api/v1/documents/{document.pk}/", "read"),
        (f"/api/v1/documents/{document.pk}/content/", "download"),
        (f"/api/v1/citizens/{side_a.citizen.pk}/", "read"),
    ]:
        mark = last_id()
        response = client.get(url)
        assert response.status_code == 200, url
        new = entries_after(mark)
        assert [(e.action, e.citizen_id, e.username) for e in new] == [
            (action, side_a.citizen.pk, side_a.coordinator.username)
        ], url


def test_writes_are_recorded_with_the_transition(side_a):
    case = make_case(side_a, Subtype.LOEBENDE_SAG)
    mark = last_id()
    response = api_client(side_a.caseworker).post(f"/api/v1/cases/{case.pk}/send/", {})
    assert response.status_code == 200
    new = entries_after(mark)
    assert [(e.action, e.detail, e.case_id) for e in new] == [("transition", "send", case.pk)]


def test_no_health_text_or_cpr_in_the_log(side_a):
    case = assigned_case(side_a, Subtype.LOEBENDE_SAG)
    api_client(side_a.coordinator).get(f"/api/v1/cases/{case.pk}/")
    for entry in AuditEntry.objects.all():
        text = " ".join(str(v) for v in entry.__dict__.values())
        assert side_a.citizen.cpr not in text
        assert "ressourceforløbet" not in text


def test_the_log_cannot_be_changed_through_the_application(side_a):
    make_case(side_a, Subtype.LOEBENDE_SAG)
    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.detail = "ændret"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="ændret")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_the_database_refuses_updates(side_a):
    make_case(side_a, Subtype.LOEBENDE_SAG)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET detail = 'x'")
    assert not AuditEntry.objects.filter(detail="x").exists()


def test_the_api_offers_no_way_to_change_the_log(side_a):
    make_case(side_a, Subtype.LOEBENDE_SAG)
    from sagsbro.organisations.models import User
    from sagsbro.organisations.roles import Role

    admin = User.objects.create_user(
        "admin_a", role=Role.ADMINISTRATOR, municipality=side_a.municipality
    )
    client = api_client(admin)
    entries = client.get("/api/v1/audit-log/").json()["results"]
    assert entries and all(e["username"] == side_a.caseworker.username for e in entries)
    entry_id = entries[0]["id"]
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/audit-log/{entry_id}/", {}).status_code == 405
    assert client.post("/api/v1/audit-log/", {}).status_code == 405
