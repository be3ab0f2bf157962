"""Email preferences: per tenant, user and kind; offered for the kinds that can reach the member's role."""

import re

import pytest

from prm import policy
from prm.errors import ValidationFailed
from prm.models import NotificationPreference
from prm.notifications import selectors, services
from prm.notifications.kinds import KINDS, kinds_for
from prm.roles import Role
from prm.tenancy import all_tenants, tenant_context
from tests.conftest import login
from tests.factories import PartnerUserFactory, StaffFactory
from tests.notifications.conftest import send


def checked(html: str, name: str) -> bool:
    """Whether the checkbox `name` on the page is ticked."""
    [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return " checked" in tag


def stored(user):
    with all_tenants():
        return {(p.tenant.slug, p.kind): p.email for p in NotificationPreference.unscoped.filter(user=user)}


def test_every_kind_names_a_policy_action_and_includes_the_webhook_kinds():
    for kind in KINDS.values():
        assert kind.audience in policy.RULES, kind.key
    assert {"invitation.accepted", "webhook.delivery_failed", "webhook.endpoint_disabled"} <= set(KINDS)


def test_preferences_page_offers_the_kinds_that_reach_my_role(client, tenant, tenant_admin, partner_admin, partner_org):
    login(client, tenant_admin)
    admin_page = client.get("/t/acme/notifications/preferences/").content.decode()
    login(client, partner_admin)
    partner_page = client.get("/t/acme/notifications/preferences/").content.decode()
    marketer = PartnerUserFactory(tenant=tenant, partner_organization=partner_org, role=Role.PARTNER_MARKETING)
    login(client, marketer)
    marketer_page = client.get("/t/acme/notifications/preferences/").content.decode()

    assert all(str(kind.label) in admin_page for kind in kinds_for(tenant_admin))
    assert "Invitation accepted" in partner_page and "Webhook delivery failed" not in partner_page
    assert all(str(kind.label) in partner_page for kind in kinds_for(partner_admin))
    offered_to_marketer = kinds_for(marketer)
    assert all(str(kind.label) in marketer_page for kind in offered_to_marketer)
    assert all(str(kind.label) not in marketer_page for kind in set(KINDS.values()) - set(offered_to_marketer))
    if not offered_to_marketer:
        assert "nothing to choose" in marketer_page
    assert checked(admin_page, "email_invitation__accepted")  # email is on until turned off


def test_saving_preferences_stores_them_for_this_tenant_only_and_notify_honours_them(
    client, tenant, other_tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    StaffFactory(tenant=other_tenant, user=tenant_admin.user)
    login(client, tenant_admin)
    ticked = {"email_api_key__created": "on", "email_webhook__delivery_failed": "on"}

    response = client.post("/t/acme/notifications/preferences/", ticked, follow=True)

    assert "Your notification preferences are saved." in response.content.decode()
    # Every kind offered is stored: the ticked ones on, the rest off.
    on = {"api_key.created", "webhook.delivery_failed"}
    assert stored(tenant_admin.user) == {("acme", kind.key): kind.key in on for kind in kinds_for(tenant_admin)}
    page = response.content.decode()
    assert checked(page, "email_api_key__created") and not checked(page, "email_api_key__revoked")

    with django_capture_on_commit_callbacks(execute=True):
        send(tenant, [tenant_admin.user], kind="api_key.revoked", title="Revoked here")
        send(tenant, [tenant_admin.user], kind="api_key.created", title="Created here")
        send(other_tenant, [tenant_admin.user], kind="api_key.revoked", title="Revoked elsewhere")
    assert sorted(m.subject.split("] ")[1] for m in mailoutbox) == ["Created here", "Revoked elsewhere"]


def test_saving_again_updates_the_same_rows(tenant, tenant_admin):
    with tenant_context(tenant):
        services.notification_preferences_set(user=tenant_admin.user, email_by_kind={"api_key.created": False})
        services.notification_preferences_set(user=tenant_admin.user, email_by_kind={"api_key.created": True})
        assert selectors.email_preferences(user=tenant_admin.user)["api_key.created"] is True
        assert NotificationPreference.objects.count() == 1


def test_an_unknown_kind_is_refused(tenant, tenant_admin):
    with tenant_context(tenant), pytest.raises(ValidationFailed):
        services.notification_preferences_set(user=tenant_admin.user, email_by_kind={"partner.created": False})


def test_a_partner_cannot_set_preferences_for_kinds_that_do_not_reach_them(client, tenant, partner_admin):
    login(client, partner_admin)

    client.post("/t/acme/notifications/preferences/", {"email_webhook__delivery_failed": "on"})

    # Only the kinds that reach a partner admin are stored, all off; the webhook kind is not among them.
    assert stored(partner_admin.user) == {("acme", kind.key): False for kind in kinds_for(partner_admin)}
    assert ("acme", "webhook.delivery_failed") not in stored(partner_admin.user)
