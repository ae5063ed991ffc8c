"""The OpenAPI schema's view of every operation (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from sagsbro.core.api import ErrorSerializer


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error answers each operation can give beside its
    success, each with the error body (`ErrorSerializer`)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_codes(operation):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ErrorSerializer, str(code), media_types=["application/json"]
                )
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[int]:
        parameters = operation.get("parameters", [])
        in_path = any(p["in"] == "path" for p in parameters)
        in_query = [p["name"] for p in parameters if p["in"] == "query"]
        body = operation.get("requestBody")
        codes = []
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        unsafe = self.method in ("POST", "PUT", "PATCH", "DELETE")
        # Paging parameters are never refused: a bad cursor or page size gives the first page
        # or the default size (core.api.CursorPage); only a page number past the end is a 404.
        if unsafe or set(in_query) - {"page", "cursor", "page_size"}:
            codes.append(400)  # the payload, a filter or a rule of the service refused
        if body:
            codes.append(415)  # a body in a media type the operation does not read
            if "multipart/form-data" in body.get("content", {}):
                codes.append(413)  # an upload over the size limit
                codes.append(503)  # the virus scanner does not answer (documents.scanning)
        if not public:
            codes += [401, 403]  # not signed in; the role may not
        if in_path or "page" in in_query or (unsafe and not public):
            codes.append(404)  # an object the caller may not know of, or a page past the end
        if unsafe and not public:
            codes.append(409)  # done before (a repeated request), or overtaken by another
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters):
            codes.append(422)  # the Idempotency-Key was used before for another request
        if self.view.get_throttles() or (public and body):
            codes.append(429)  # throttled, or sign-in locked out after failed attempts
        return codes
