"""What the MDF endpoints share: the step decorator (a POST action documented with its body and response) and the
read permission (a partner's own rows, or every row for staff)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS

from prm.api.viewsets import IDEMPOTENCY_PARAMETER

TAG = "mdf"


def step(name, *, request_serializer, summary, description, response):
    def decorate(method):
        method.__name__ = method.__qualname__ = name.replace("-", "_")
        method = action(detail=True, methods=["post"], url_path=name, url_name=name)(method)
        return extend_schema(
            summary=summary,
            description=description,
            tags=[TAG],
            request=request_serializer,
            parameters=[IDEMPOTENCY_PARAMETER],
            responses={200: response},
        )(method)

    return decorate


class ReadOwnOrAll:
    """Partners read their own organization's rows (`mdf.view_own`), staff and tenant keys every row
    (`mdf.view_all`)."""

    def read_action(self) -> str:
        actor = self.actor
        return "mdf.view_own" if actor is not None and actor.is_partner_role else "mdf.view_all"

    def policy_action(self, request) -> str:
        if request.method in SAFE_METHODS:
            return self.read_action()
        return super().policy_action(request)
