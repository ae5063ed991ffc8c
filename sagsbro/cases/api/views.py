"""Cases over HTTP. Thin: fetch through visible_to(), validate the payload, call a service."""

from typing import Any, cast

import django_filters
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse

from sagsbro.audit.api.mixins import AuditedReadMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record
from sagsbro.cases import access, registry, services
from sagsbro.cases.api import serializers as s
from sagsbro.cases.filters import CaseListFilter
from sagsbro.cases.models import Case, Consent, Deadline
from sagsbro.cases.registry import RegisteredTransition
from sagsbro.cases.rules.kinds import REFERRAL_ONLY_SUBTYPES, USE_REFERRAL_MESSAGE
from sagsbro.cases.rules.workflow import available_transitions
from sagsbro.core.api import AccessRule, cursor_pagination
from sagsbro.core.errors import AlreadyDone, ServiceError
from sagsbro.core.filters import IdFilter
from sagsbro.organisations.access import citizens_visible_to
from sagsbro.organisations.api.idempotency import idempotent
from sagsbro.organisations.api.serializers import PersonSerializer, TreatmentRelationSerializer
from sagsbro.organisations.models import TreatmentRelation, User
from sagsbro.organisations.roles import Role

# A case's sub-lists (events, notes, ...) are whole lists of the one case: no paging and
# none of the case list's filters, in the answer or in the schema.
PLAIN_LIST: dict[str, Any] = {"pagination_class": None, "filter_backends": []}


class CaseViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    access_rule = AccessRule.TENANT
    filterset_class = CaseListFilter
    # Newest first (the indexes per municipality and region on created_at, id).
    pagination_class = cursor_pagination("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        """The cases the user may see (the access rule). A detail reads the case joined to
        the people and organisations it shows, and the deadlines and the citizen's consents
        one query each; the sub-routes (notes, events, ...) do not show those lists and do
        not read them. The list pages over the bare case rows (`paginate_queryset`)."""
        visible = Case.objects.visible_to(self.request.user)
        if self.action == "list":
            return visible
        if self.action == "retrieve":
            return self._with_body(visible)
        return visible.select_related(*self._joined())

    def _joined(self):
        if self._is_gp():
            return ("citizen", "municipality")
        return ("citizen", "caseworker", "coordinator", "specialist", "municipality", "region")

    def _with_body(self, queryset):
        queryset = queryset.select_related(*self._joined())
        if self._is_gp():
            return queryset
        return queryset.prefetch_related(
            # Deadline's own order (due date, id).
            Prefetch("deadlines", queryset=Deadline.objects.select_related("agreed_by")),
            "citizen__consents",
        )

    def paginate_queryset(self, queryset):
        """The page in two steps: the ids of the page's cases in the list's order, found
        through the indexes on the case table alone, then those cases with their body. A
        filter (`due_before`'s EXISTS) beside six joins under ORDER BY ... LIMIT costs
        PostgreSQL more time planning than reading; by id the joins plan in a millisecond."""
        page = super().paginate_queryset(queryset.only("id", "created_at"))
        if page is None:
            return None
        # The ids come from the page read through the access rule above.
        rows = self._with_body(Case.objects.all()).in_bulk([case.pk for case in page])
        return [rows[case.pk] for case in page if case.pk in rows]

    def handle_exception(self, exc):
        if isinstance(exc, AlreadyDone) and "id" in exc.existing:
            # A repeated genforelæggelse: 409 with the link to the case the first call made.
            exc.existing["url"] = reverse(
                "case-detail", args=[exc.existing["id"]], request=self.request
            )
        return super().handle_exception(exc)

    def _is_gp(self):
        return getattr(self.request.user, "role", None) == Role.GENERAL_PRACTITIONER

    def get_serializer_class(self):
        if self.action == "create":
            return s.CaseCreateSerializer
        if self.action == "partial_update":
            return s.CaseFieldsSerializer
        return s.GPCaseSerializer if self._is_gp() else s.CaseSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def audit_subject(self, obj):
        return case_subject(obj)

    def _case_for_parties(self):
        """The case, for the two parties only: a GP gets 404 on everything but documents."""
        if self._is_gp():
            raise NotFound()
        return self.get_object()

    def _read(self, case, what):
        record(self.request.user, AuditEntry.Action.READ, case_subject(case), detail=what)

    def _case_response(self, case, code=status.HTTP_200_OK):
        case = self._with_body(Case.objects.visible_to(self.request.user)).get(pk=case.pk)
        return Response(
            s.CaseSerializer(case, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(responses=s.CaseSerializer)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @idempotent
    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseSerializer})
    def create(self, request, *args, **kwargs):
        payload = s.CaseCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        if payload.validated_data["subtype"] in REFERRAL_ONLY_SUBTYPES:
            # Made by POST /referrals/ from the case it concerns (BEK § 13), never directly.
            raise ServiceError(
                "use_referral", USE_REFERRAL_MESSAGE, fields={"subtype": [USE_REFERRAL_MESSAGE]}
            )
        case = services.create_case(request.user, **payload.validated_data)
        return self._case_response(case, status.HTTP_201_CREATED)

    @extend_schema(request=s.CaseFieldsSerializer, responses=s.CaseSerializer)
    def partial_update(self, request, *args, **kwargs):
        case = self._case_for_parties()
        payload = s.CaseFieldsSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        case = services.update_case(request.user, case, **payload.validated_data)
        return self._case_response(case)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_LIST)
    def events(self, request, pk=None):
        case = self._case_for_parties()
        self._read(case, "historik")
        events = case.events.select_related("actor")
        return Response(s.EventSerializer(events, many=True).data)

    @extend_schema(responses=s.AdviceSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_LIST)
    def advice(self, request, pk=None):
        case = self._case_for_parties()
        self._read(case, "rådgivning")
        return Response(s.AdviceSerializer(case.advice.select_related("author"), many=True).data)

    @idempotent
    @extend_schema(methods=["GET"], request=None, responses=s.NoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.NoteSerializer, responses={201: s.NoteSerializer})
    @action(detail=True, methods=["get", "post"], **PLAIN_LIST)
    def notes(self, request, pk=None):
        case = self._case_for_parties()
        if request.method == "POST":
            payload = s.NoteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            note = services.add_note(request.user, case, **payload.validated_data)
            return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        self._read(case, "noter")
        return Response(s.NoteSerializer(case.notes.select_related("author"), many=True).data)

    @extend_schema(responses=s.DeadlineSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_LIST)
    def deadlines(self, request, pk=None):
        case = self._case_for_parties()
        self._read(case, "frister")
        return Response(
            s.DeadlineSerializer(
                case.deadlines.select_related("agreed_by"),
                many=True,
                context=self.get_serializer_context(),
            ).data
        )

    @extend_schema(request=s.AgreeDeadlineSerializer, responses=s.DeadlineSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deadlines/(?P<kind>[a-z_0-9]+)/agree",
        url_name="deadline-agree",
    )
    def agree_deadline(self, request, pk=None, kind=None):
        """The secretariat sets another due date agreed in the concrete case (BEK § 22 and
        § 23, 2nd sentence), with the circumstances that call for it."""
        case = self._case_for_parties()
        payload = s.AgreeDeadlineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        deadline = services.agree_deadline(
            request.user,
            case,
            kind,
            agreed_due=payload.validated_data["agreed_due"],
            reason=payload.validated_data["reason"],
        )
        return Response(s.DeadlineSerializer(deadline, context=self.get_serializer_context()).data)

    @extend_schema(responses=s.TransitionsSerializer)
    @action(detail=True, methods=["get"], **PLAIN_LIST)
    def transitions(self, request, pk=None):
        """What the caller may do with the case now, and what it still lacks for sending."""
        case = self._case_for_parties()
        self._read(case, "mulige sagsskridt")
        allowed = available_transitions(case.subtype_enum, case.state_enum, Role(request.user.role))
        missing = services.missing_requirements(case) if case.state in ("draft", "returned") else []
        return Response(
            {
                "transitions": [{"name": t.name, "label": t.label} for t in allowed],
                "missing": [{"key": m.key, "label": m.label} for m in missing],
            }
        )

    @extend_schema(request=s.AnswerDraftSerializer, responses=s.AnswerDraftSerializer)
    @action(detail=True, methods=["get", "post"], url_path="answer-draft", **PLAIN_LIST)
    def answer_draft(self, request, pk=None):
        """The assigned coordinator's draft of the written answer (404 for everyone else).
        POST saves it; `POST answer` gives the answer."""
        case = self._case_for_parties()
        if request.method == "POST":
            payload = s.AnswerDraftSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            saved = services.save_answer_draft(request.user, case, **payload.validated_data)
            return Response(s.AnswerDraftSerializer(saved).data)
        draft = services.answer_draft_for(request.user, case)
        if draft is None:
            raise NotFound()
        self._read(case, "udkast til svar")
        return Response(s.AnswerDraftSerializer(draft).data)

    @idempotent
    @extend_schema(request=s.GPContactRecordSerializer, responses={201: s.EventSerializer})
    @action(detail=True, methods=["post"], url_path="gp-contact")
    def gp_contact(self, request, pk=None):
        """The coordinator records a contact with the citizen's GP (needs written consent)."""
        case = self._case_for_parties()
        payload = s.GPContactRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        event = services.record_gp_contact(request.user, case, **payload.validated_data)
        return Response(s.EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.AssignablePersonSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_LIST)
    def assignable(self, request, pk=None):
        """Coordinators (or specialists) the secretariat may assign, with conflicts marked."""
        case = self._case_for_parties()
        if request.user.role != Role.SECRETARIAT:
            raise NotFound()
        role = Role.CLINICAL_SPECIALIST if case.subtype == "klinisk_funktion" else Role.COORDINATOR
        self._read(case, "mulige rådgivere")
        rows = []
        for person, conflicted in services.assignable_people(case, role):
            row = dict(PersonSerializer(person).data)
            row["conflict_of_interest"] = conflicted
            rows.append(row)
        return Response(rows)


def _transition_action(entry: RegisteredTransition):
    """The endpoint ``POST /cases/{id}/<url_path>/`` of one registered transition."""
    name, payload_class = entry.name, entry.serializer_class

    def handler(self, request, pk=None):
        case = self._case_for_parties()
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        result = registry.transitions[name].run(request.user, case, payload.validated_data, "api")
        created = result.pk != case.pk  # reopening makes a new case
        return self._case_response(result, status.HTTP_201_CREATED if created else 200)

    # The router maps the HTTP method to the action by the function's name.
    handler.__name__ = name
    handler.__doc__ = f"{entry.rule.label} ({entry.rule.source_ref})."
    # A retried transition (same Idempotency-Key) gets the first answer: reopening makes
    # one case, sending sends once.
    routed = idempotent(action(detail=True, methods=["post"], url_path=entry.url_path)(handler))
    return extend_schema(
        request=payload_class, responses=s.CaseSerializer, operation_id=f"cases_{name}"
    )(routed)


# The transition endpoints on CaseViewSet, made from the registry (name -> entry installed).
_installed: dict[str, RegisteredTransition] = {}


def install_transition_endpoints() -> None:
    """Give CaseViewSet one endpoint per registered transition, and none for a transition no
    longer registered. Runs when this module is imported (the URL configuration); a test that
    registers a transition of its own runs it again and rebuilds the URL configuration."""
    for name in list(_installed):
        if registry.transitions.get(name) is not _installed[name]:
            delattr(CaseViewSet, name)
            del _installed[name]
    for entry in registry.transitions:
        if entry.name not in _installed:
            if hasattr(CaseViewSet, entry.name):
                raise ImproperlyConfigured(
                    f"The transition {entry.name!r} clashes with an endpoint of CaseViewSet."
                )
            setattr(CaseViewSet, entry.name, _transition_action(entry))
            _installed[entry.name] = entry


install_transition_endpoints()


class ConsentFilter(django_filters.FilterSet):
    citizen = IdFilter(field_name="citizen_id")

    class Meta:
        model = Consent
        fields = ["citizen", "scope"]


class ConsentViewSet(
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Samtykker per citizen. The municipality registers and withdraws; the region reads."""

    access_rule = AccessRule.TENANT
    serializer_class = s.ConsentSerializer
    filterset_class = ConsentFilter
    pagination_class = cursor_pagination("given_on", "id")

    def get_queryset(self):
        return access.consents_visible_to(self.request.user)

    def audit_subject(self, obj):
        return Subject("consent", obj.pk, obj.case_id, obj.citizen_id)

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        # The API's default permission (IsAuthenticated) has refused anonymous requests.
        user = cast(User, self.request.user)
        serializer.instance = services.register_consent(user, **data)

    @extend_schema(request=s.EmptySerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = services.withdraw_consent(request.user, self.get_object())
        return Response(s.ConsentSerializer(consent).data)


class TreatmentRelationViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The region registers that a doctor is or was the citizen's GP or treating doctor."""

    access_rule = AccessRule.TENANT
    serializer_class = TreatmentRelationSerializer

    def get_queryset(self):
        # Create-only: relations are never listed back through the API.
        return TreatmentRelation.objects.none()

    @idempotent
    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        citizen = citizens_visible_to(request.user).filter(pk=data["citizen"]).first()
        doctor = User.objects.filter(
            pk=data["doctor"],
            role__in=[Role.COORDINATOR, Role.CLINICAL_SPECIALIST, Role.GENERAL_PRACTITIONER],
        ).first()
        if citizen is None:
            raise ServiceError("not_found", "Borgeren findes ikke.", status=404)
        if doctor is None:
            raise ServiceError(
                "invalid_doctor", "Lægen findes ikke.", fields={"doctor": ["Lægen findes ikke."]}
            )
        relation = services.register_treatment_relation(request.user, citizen, doctor, data["kind"])
        return Response(
            {"id": relation.pk, "citizen": citizen.pk, "doctor": doctor.pk, "kind": relation.kind},
            status=status.HTTP_201_CREATED,
        )
