"""The one error type services raise when a rule refuses a change. Views and the API turn it
into a Danish message for people and a structured error for machines."""


class ServiceError(Exception):
    status = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        missing: list[dict[str, str]] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.missing = missing or []
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"detail": self.message, "code": self.code}
        if self.fields:
            body["fields"] = self.fields
        if self.missing:
            body["missing"] = self.missing
        return body


class PermissionRefused(ServiceError):
    status = 403


class ConfirmationRequired(ServiceError):
    """A step the rules allow only after the user has seen a warning and confirmed it: the
    body names the warning (`warning`) and the field that confirms it (`confirm_field`)."""

    def __init__(
        self, code: str, message: str, *, warning: dict[str, object], confirm_field: str
    ) -> None:
        super().__init__(code, message)
        self.warning = warning
        self.confirm_field = confirm_field

    def as_dict(self) -> dict[str, object]:
        body = super().as_dict()
        body["warning"] = self.warning
        body["confirm_field"] = self.confirm_field
        return body


class AlreadyDone(ServiceError):
    """The change was made before (a repeated request): 409, and the body names what the first
    request made (`existing`, e.g. its id and reference), so the caller can go on with it."""

    status = 409

    def __init__(self, code: str, message: str, *, existing: dict[str, object]) -> None:
        super().__init__(code, message)
        self.existing = existing

    def as_dict(self) -> dict[str, object]:
        body = super().as_dict()
        body["existing"] = self.existing
        return body


class TransientError(Exception):
    """A failure that says nothing about the input and passes by itself (a service that is
    briefly down): a retrying task is queued again instead of failing for good."""
