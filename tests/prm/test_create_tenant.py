"""Opening a new program from the command line: the first tenant admin arrives by invitation."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from prm.models import Invitation, Membership, Tenant
from prm.roles import Role
from prm.tenancy import tenant_context
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def create_tenant(*args):
    out = StringIO()
    call_command("create_tenant", *args, stdout=out)
    return out.getvalue()


def test_create_tenant_prints_a_working_invitation_for_the_first_admin(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        output = create_tenant("initech", "--name", "Initech Security", "--admin-email", "Pat@Initech.example")
    link = re.search(r"http://\S+/t/initech/invitations/accept/\S+/", output).group(0)
    assert mailoutbox[0].to == ["pat@initech.example"]
    assert "The platform team invited you" in mailoutbox[0].body

    path = link.split("8000", 1)[1] if "8000" in link else link
    response = client.post(
        path,
        {"first_name": "Pat", "last_name": "Lee", "password1": "s3cure-initech-pw", "password2": "s3cure-initech-pw"},
    )
    assert response.status_code == 302
    tenant = Tenant.objects.get(slug="initech")
    with tenant_context(tenant):
        membership = Membership.objects.get(user__email="pat@initech.example")
    assert membership.role == Role.TENANT_ADMIN
    assert client.get("/t/initech/settings/").status_code == 200


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["taken", "--name", "Again", "--admin-email", "a@example.com"], "slug"),
        (["Not A Slug!", "--name", "X", "--admin-email", "a@example.com"], "slug"),
        (["fresh", "--name", "X", "--admin-email", "not-an-email"], "admin_email"),
        (["fresh", "--name", "X", "--admin-email", "a@example.com", "--currency", "dollars"], "base_currency"),
    ],
    ids=["duplicate-slug", "bad-slug", "bad-email", "bad-currency"],
)
def test_create_tenant_refuses_bad_input_naming_the_field_and_creates_nothing(args, field):
    TenantFactory(slug="taken")
    with pytest.raises(CommandError, match=f"^{field}: "):
        create_tenant(*args)
    assert list(Tenant.objects.values_list("slug", flat=True)) == ["taken"]
    with tenant_context(Tenant.objects.get(slug="taken")):
        assert not Invitation.objects.exists()
