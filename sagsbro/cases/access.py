"""Who may see, edit, attach documents to and act on a case (and start its written answer's
failed PDF again): one definition each, used by the
services, the pages and the API alike.

Which cases a user may know of at all is ``Case.objects.visible_to`` (the tenancy rule); which
transitions a role may take is the transition table in ``rules/workflow.py``. What is here
combines the two with the case's state and the user's organisation.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from sagsbro.cases.models import Case, Consent
from sagsbro.cases.rules.workflow import FINAL_STATES, State
from sagsbro.documents.access import same_organisation
from sagsbro.documents.models import Document
from sagsbro.organisations.access import citizens_visible_to
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

# Every party to a case adds the documents it is responsible for; a GP and an administrator
# add none (which categories each adds: ``documents.access``).
DOCUMENT_ROLES = frozenset(
    {
        Role.CASEWORKER,
        Role.TEAM_MEMBER,
        Role.SECRETARIAT,
        Role.COORDINATOR,
        Role.CLINICAL_SPECIALIST,
    }
)

# The states in which the municipality's draft may still be changed.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})


def consents_visible_to(user: User | AnonymousUser) -> QuerySet[Consent]:
    """Consents a user may read: the general ones of the citizens the user may know of, and an
    agreement given for one case only (BEK § 13 stk. 3) when the user may see that case. A
    GP reads none."""
    if not isinstance(user, User) or user.role == Role.GENERAL_PRACTITIONER:
        return Consent.objects.none()
    return Consent.objects.filter(citizen__in=citizens_visible_to(user)).filter(
        Q(case__isnull=True) | Q(case__in=Case.objects.visible_to(user))
    )


def may_see(user: User | AnonymousUser, case: Case) -> bool:
    """The user may know of the case (tenancy); objects the user may not know of answer 404."""
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def owns_case(user: User, case: Case) -> bool:
    """The user is a caseworker of the municipality that owns the case."""
    return user.role == Role.CASEWORKER and case.municipality_id == user.municipality_id


def may_edit(user: User, case: Case) -> bool:
    """The case's municipality's caseworker, while the case is a draft or returned."""
    return owns_case(user, case) and case.state in EDITABLE_STATES


def may_add_documents(user: User, case: Case) -> bool:
    """A party to the case adds documents while the case is open."""
    return user.role in DOCUMENT_ROLES and case.state not in FINAL_STATES


def may_agree_deadlines(user: User | None, case: Case) -> bool:
    """The region's secretariat agrees deadlines for an open case (BEK §§ 22-23, 2nd
    sentence)."""
    return (
        user is not None
        and user.role == Role.SECRETARIAT
        and user.region_id == case.region_id
        and case.state not in FINAL_STATES
    )


# Who may start a failed PDF again: the case's parties who act on it (and see it).
RETRY_ROLES = frozenset({Role.COORDINATOR, Role.SECRETARIAT, Role.CASEWORKER})


def may_retry_pdf(user: User) -> bool:
    """The user may start building a failed written-answer PDF again."""
    return user.role in RETRY_ROLES


def may_withdraw_document(user: User, document: Document) -> bool:
    """Offer Træk tilbage: a role that handles documents in the organisation that attached
    it, and nobody on the other side has opened it yet (the service checks it again)."""
    return (
        user.role in DOCUMENT_ROLES
        and document.withdrawn_at is None
        and document.opened_by_other_side_at is None
        and same_organisation(user, document.uploaded_by)
    )
