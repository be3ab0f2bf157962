"""`manage.py create_api_key`: prints the key once; bad input is a CommandError naming the option, nothing written."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from prm.api.keys import KEY_PATTERN
from prm.models import ApiKey, Event
from prm.tenancy import tenant_context
from tests.api.conftest import key_client
from tests.factories import PartnerOrganizationFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def keys_of(tenant):
    with tenant_context(tenant):
        return list(ApiKey.objects.all())


def test_prints_the_key_once_on_stdout_and_it_works(tenant):
    out, err = run("acme", "--name", "Salesforce", "--scope", "partners:write", "--scope", "events:read")
    raw = out.strip()
    assert KEY_PATTERN.match(raw), out
    assert raw not in err and "shown only this once" in err
    (api_key,) = keys_of(tenant)
    assert api_key.scopes == ["events:read", "partners:write"] and api_key.created_by is None
    assert err.startswith(f"Created API key 'Salesforce' ({api_key.prefix}…)")
    client = key_client(raw)
    assert client.post("/api/v1/partners/", {"name": "Contoso"}, format="json").status_code == 201
    assert client.get("/api/v1/events/").status_code == 200
    with tenant_context(tenant):
        assert Event.objects.filter(type="api_key.created", actor_user__isnull=True).count() == 1


def test_binds_to_a_partner_and_expires(tenant, partner_org):
    expires = date.today() + timedelta(days=10)
    out, err = run(
        "acme",
        "--name",
        "Portal",
        "--scope",
        "partners:read",
        "--partner",
        str(partner_org.pk),
        "--expires",
        str(expires),
    )
    (api_key,) = keys_of(tenant)
    assert api_key.partner_organization_id == partner_org.pk
    assert api_key.expires_at.date() == expires and (api_key.expires_at.hour, api_key.expires_at.minute) == (0, 0)
    assert f"Bound to partner organization {partner_org.pk} (Northwind Secure)" in err
    PartnerOrganizationFactory(tenant=tenant, name="Other")
    listed = key_client(out.strip()).get("/api/v1/partners/").json()["results"]
    assert [p["id"] for p in listed] == [partner_org.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--name", "CRM", "--scope", "partners:read"], "tenant_slug: there is no active program 'nope'"),
        (["acme", "--name", " ", "--scope", "partners:read"], "--name: Name the key"),
        (["acme", "--name", "CRM"], "--scope: Choose at least one scope."),
        (["acme", "--name", "CRM", "--scope", "partners:admin"], "--scope: Unknown scopes: partners:admin."),
        (["acme", "--name", "CRM", "--scope", "partners:read", "--expires", "tomorrow"], "--expires: 'tomorrow'"),
        (["acme", "--name", "CRM", "--scope", "partners:read", "--expires", "2001-01-01"], "--expires: The expiry"),
        (["acme", "--name", "CRM", "--scope", "partners:read", "--partner", "999999"], "--partner: program 'acme'"),
    ],
)
def test_bad_input_names_the_option_and_writes_nothing(tenant, args, message):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert str(raised.value).startswith(message), str(raised.value)
    assert keys_of(tenant) == []


def test_a_partner_of_another_program_is_unknown(tenant, other_tenant):
    foreign = PartnerOrganizationFactory(tenant=other_tenant)
    with pytest.raises(CommandError, match="--partner"):
        run("acme", "--name", "CRM", "--scope", "partners:read", "--partner", str(foreign.pk))
    assert keys_of(tenant) == [] and keys_of(other_tenant) == []
