"""Klinisk funktion's work on a clinical case over HTTP, under the case:

* ``/cases/{id}/clinical-assessment/``: the consultation, investigations and record requests
  (klinisk funktion reads them; the municipality gets the certificate, not the notes);
* ``/cases/{id}/consultation-note/``, ``/cases/{id}/investigations/``,
  ``/cases/{id}/record-requests/``: the assigned specialist records them (BEK § 13 stk. 2,
  § 15 stk. 1);
* ``/cases/{id}/certificates/``: the structured LÆ 275 (BEK § 14): a draft, changed and
  signed by the assigned specialist; the municipality reads the delivered ones. Delivery is
  the case's transition ``POST /cases/{id}/deliver-certificate/``; it files the PDF on the
  case, so the municipality and the GP's copy get it at the same moment (BEK § 15 stk. 2);
* ``/cases/{id}/certificates/{item}/pdf/``: the signed PDF for klinisk funktion only, before
  and after delivery (404 for anyone else).

Thin: the case through ``visible_to``, the payload validated, a service called. Every read is
audited; a refused request for a case is recorded as DENIED."""

from __future__ import annotations

from typing import Any, cast

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from sagsbro.audit.api.mixins import AuditedRefusalMixin
from sagsbro.audit.models import AuditEntry
from sagsbro.audit.services import Subject, case_subject, record, record_many
from sagsbro.cases.models import Case
from sagsbro.cases.rules.kinds import Subtype
from sagsbro.clinical.api import assessment_serializers as s
from sagsbro.clinical.models import Certificate, Investigation, RecordRequest
from sagsbro.clinical.services import assessment, certificate
from sagsbro.clinical.viewing import signed_pdf_response
from sagsbro.core.api import AccessRule
from sagsbro.organisations.models import User
from sagsbro.organisations.roles import Role

# A case's sub-lists are whole lists of the one case: no paging, no list filters.
PLAIN: dict[str, Any] = {"pagination_class": None, "filter_backends": []}
ITEM = r"(?P<item>[0-9]+)"


class ClinicalAssessmentViewSet(AuditedRefusalMixin, viewsets.GenericViewSet):
    access_rule = AccessRule.TENANT
    audit_object_type = "case"
    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        return Case.objects.visible_to(self.request.user).select_related("citizen", "region")

    def audit_subject(self, obj):
        return case_subject(obj)

    @property
    def user(self) -> User:
        return cast(User, self.request.user)

    def _case(self) -> Case:
        """The clinical case; a GP (who reads only the documents sent to them) gets 404."""
        if self.user.role == Role.GENERAL_PRACTITIONER:
            raise NotFound()
        case = cast(Case, self.get_object())
        if case.subtype != Subtype.KLINISK_FUNKTION:
            raise NotFound()
        return case

    def _reader_case(self) -> Case:
        case = self._case()
        assessment.require_may_read_assessment(self.user, case)
        return case

    def _assessment(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        found = assessment.assessment_of(case)
        data = s.AssessmentSerializer(
            {
                "consultation": found.consultation,
                "investigations": found.investigations,
                "record_requests": found.record_requests,
            }
        ).data
        return Response(data, status=code)

    # --- the consultation, investigations and record requests -----------------------------

    @extend_schema(responses=s.AssessmentSerializer, operation_id="cases_clinical_assessment")
    @action(detail=True, methods=["get"], url_path="clinical-assessment", **PLAIN)
    def clinical_assessment(self, request, pk=None):
        case = self._reader_case()
        record(self.user, AuditEntry.Action.READ, case_subject(case), detail="konsultation")
        return self._assessment(case)

    @extend_schema(
        request=s.ConsultationNoteSerializer,
        responses=s.ConsultationRecordSerializer,
        operation_id="cases_consultation_note_update",
    )
    @action(detail=True, methods=["put"], url_path="consultation-note", **PLAIN)
    def consultation_note(self, request, pk=None):
        case = self._case()
        payload = s.ConsultationNoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        consultation = assessment.save_consultation_note(
            self.user, case, note=payload.validated_data["note"], channel="api"
        )
        return Response(s.ConsultationRecordSerializer(consultation).data)

    @extend_schema(
        request=s.InvestigationOrderSerializer,
        responses={201: s.InvestigationSerializer},
        operation_id="cases_investigations_create",
    )
    @action(detail=True, methods=["post"], url_path="investigations", **PLAIN)
    def investigations(self, request, pk=None):
        case = self._case()
        payload = s.InvestigationOrderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        investigation = assessment.order_investigation(
            self.user, case, channel="api", **payload.validated_data
        )
        return Response(
            s.InvestigationSerializer(investigation).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.InvestigationDoneSerializer,
        responses=s.InvestigationSerializer,
        operation_id="cases_investigations_done",
    )
    @action(detail=True, methods=["post"], url_path=f"investigations/{ITEM}/done", **PLAIN)
    def investigation_done(self, request, pk=None, item=None):
        case = self._case()
        investigation = get_object_or_404(Investigation, pk=item, case=case)
        payload = s.InvestigationDoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        investigation = assessment.record_investigation_done(
            self.user, case, investigation, channel="api", **payload.validated_data
        )
        return Response(s.InvestigationSerializer(investigation).data)

    @extend_schema(
        request=s.RecordRequestCreateSerializer,
        responses={201: s.RecordRequestSerializer},
        operation_id="cases_record_requests_create",
    )
    @action(detail=True, methods=["post"], url_path="record-requests", **PLAIN)
    def record_requests(self, request, pk=None):
        case = self._case()
        payload = s.RecordRequestCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        made = assessment.request_records(
            self.user, case, source=payload.validated_data["source"], channel="api"
        )
        return Response(s.RecordRequestSerializer(made).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=s.RecordRequestSerializer,
        operation_id="cases_record_requests_received",
    )
    @action(detail=True, methods=["post"], url_path=f"record-requests/{ITEM}/received", **PLAIN)
    def record_request_received(self, request, pk=None, item=None):
        case = self._case()
        made = get_object_or_404(RecordRequest, pk=item, case=case)
        made = assessment.record_records_received(self.user, case, made, channel="api")
        return Response(s.RecordRequestSerializer(made).data)

    # --- the certificate (LÆ 275) -----------------------------------------------------------

    def _certificate(self, case: Case, item: str | None) -> Certificate:
        found = next(
            (c for c in certificate.certificates_for(self.user, case) if str(c.pk) == item), None
        )
        if found is None:
            raise NotFound()
        return found

    def _certificate_data(self, case: Case, found: Certificate | list[Certificate]) -> Any:
        context = {"pdf_links": assessment.may_read_assessment(self.user, case)}
        return s.CertificateSerializer(found, many=isinstance(found, list), context=context).data

    def _read_certificates(self, case: Case, rows: list[Certificate]) -> None:
        record_many(
            self.user,
            AuditEntry.Action.READ,
            [Subject("certificate", c.pk, case.pk, case.citizen_id) for c in rows]
            or [case_subject(case)],
            detail="speciallægeattest",
        )

    @extend_schema(
        methods=["GET"],
        responses=s.CertificateSerializer(many=True),
        operation_id="cases_certificates_list",
    )
    @extend_schema(
        methods=["POST"],
        request=s.CertificateWriteSerializer,
        responses={201: s.CertificateSerializer},
        operation_id="cases_certificates_create",
    )
    @action(detail=True, methods=["get", "post"], url_path="certificates", **PLAIN)
    def certificates(self, request, pk=None):
        case = self._case()
        if request.method == "POST":
            payload = s.CertificateWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            made = certificate.create_certificate(
                self.user, case, channel="api", **payload.validated_data
            )
            return Response(self._certificate_data(case, made), status=status.HTTP_201_CREATED)
        rows = certificate.certificates_for(self.user, case)
        self._read_certificates(case, rows)
        return Response(self._certificate_data(case, rows))

    @extend_schema(
        methods=["GET"],
        responses=s.CertificateSerializer,
        operation_id="cases_certificates_retrieve",
    )
    @extend_schema(
        methods=["PATCH"],
        request=s.CertificateWriteSerializer,
        responses=s.CertificateSerializer,
        operation_id="cases_certificates_update",
    )
    @action(detail=True, methods=["get", "patch"], url_path=f"certificates/{ITEM}", **PLAIN)
    def certificate_detail(self, request, pk=None, item=None):
        case = self._case()
        found = self._certificate(case, item)
        if request.method == "PATCH":
            payload = s.CertificateWriteSerializer(data=request.data, partial=True)
            payload.is_valid(raise_exception=True)
            found = certificate.update_certificate(
                self.user, case, found, channel="api", **payload.validated_data
            )
            return Response(self._certificate_data(case, found))
        self._read_certificates(case, [found])
        return Response(self._certificate_data(case, found))

    @extend_schema(
        request=None, responses=s.CertificateSerializer, operation_id="cases_certificates_sign"
    )
    @action(detail=True, methods=["post"], url_path=f"certificates/{ITEM}/sign", **PLAIN)
    def certificate_sign(self, request, pk=None, item=None):
        case = self._case()
        found = self._certificate(case, item)
        found = certificate.sign_certificate(self.user, case, found, channel="api")
        return Response(self._certificate_data(case, found))

    # Inline like a document's content; audited as a download by the service.
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        operation_id="cases_certificates_pdf",
    )
    @action(detail=True, methods=["get"], url_path=f"certificates/{ITEM}/pdf", **PLAIN)
    def certificate_pdf(self, request, pk=None, item=None):
        case = self._case()
        found = self._certificate(case, item)
        blob = certificate.signed_pdf_of(self.user, case, found, channel="api")
        if blob is None:
            raise NotFound()
        return signed_pdf_response(blob, found)
