"""Domain errors: pages turn them into messages, the API into problem+json. Services raise only these."""


class DomainError(Exception):
    """A rule of the program refused the action. `field` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The acting user may not do this (shown as 404 so that nothing leaks about what exists)."""


class InvalidTransition(DomainError):
    """The record's status does not allow this step."""


class ValidationFailed(DomainError):
    """The input breaks a rule."""


class NoTenantSelected(RuntimeError):
    """Tenant-owned data was touched outside tenant_context() / all_tenants(): a programming error."""
