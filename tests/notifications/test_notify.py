"""notify(): rows for the given members of the current tenant, then email after commit unless they opted out."""

import pytest

from prm.models import Notification
from prm.notifications import notify, services
from prm.notifications.tasks import email_notification
from prm.tenancy import all_tenants, tenant_context
from tests.factories import StaffFactory, UserFactory
from tests.notifications.conftest import send


def rows(**filters):
    with all_tenants():
        return list(Notification.unscoped.filter(**filters).order_by("id"))


def test_notify_creates_one_row_per_given_member_in_the_current_tenant(tenant, other_tenant, tenant_admin, colleague):
    bystander = StaffFactory(tenant=tenant)
    elsewhere = StaffFactory(tenant=other_tenant)

    created = send(tenant, [tenant_admin.user, colleague.user, tenant_admin.user], url="/t/acme/members/")

    assert sorted(n.user_id for n in created) == sorted([tenant_admin.user_id, colleague.user_id])
    assert [(n.tenant_id, n.kind, n.url) for n in rows()] == [
        (tenant.pk, "invitation.accepted", "/t/acme/members/")
    ] * 2
    assert not rows(user=bystander.user) and not rows(user=elsewhere.user)


def test_notify_skips_people_who_are_not_active_members_of_the_tenant(tenant, other_tenant, tenant_admin):
    member_elsewhere = StaffFactory(tenant=other_tenant).user
    former = StaffFactory(tenant=tenant, is_active=False).user

    created = send(tenant, [UserFactory(), member_elsewhere, former, None])

    assert created == [] and rows() == []


def test_notify_refuses_an_unregistered_kind(tenant, tenant_admin):
    with pytest.raises(ValueError, match="declarations.py"):
        send(tenant, [tenant_admin.user], kind="webhook.mystery")


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "partners/"]
)
def test_notify_refuses_a_link_that_leaves_the_site(tenant, tenant_admin, url):
    with pytest.raises(ValueError, match="path on this site"):
        send(tenant, [tenant_admin.user], url=url)


def test_notify_shortens_a_title_longer_than_the_column(tenant, tenant_admin):
    [notification] = send(tenant, [tenant_admin.user], title="Long " * 100)

    assert len(notification.title) == 200 and notification.title.endswith("…")


def test_notify_needs_a_tenant(tenant_admin):
    from prm.errors import NoTenantSelected

    with pytest.raises(NoTenantSelected):
        notify(users=[tenant_admin.user], kind="invitation.accepted", title="x")


# --- Email -------------------------------------------------------------------------------------------------------


def test_email_goes_on_commit_only_to_those_who_did_not_opt_out(
    tenant, tenant_admin, colleague, django_capture_on_commit_callbacks, mailoutbox
):
    with tenant_context(tenant):
        services.notification_preferences_set(user=colleague.user, email_by_kind={"invitation.accepted": False})

    with django_capture_on_commit_callbacks(execute=True):
        send(tenant, [tenant_admin.user, colleague.user], body="Dana joined as Partner sales.", url="/t/acme/members/")
        assert mailoutbox == []  # nothing before the commit

    [message] = mailoutbox
    assert message.to == [tenant_admin.user.email]
    assert message.subject == "[Acme Security Partner Program] Dana accepted your invitation"
    [mine] = rows(user=tenant_admin.user)
    assert f"/t/acme/notifications/{mine.pk}/" in message.body  # opened through the app, which marks it read
    assert "Dana joined as Partner sales." in message.body
    assert "/t/acme/notifications/preferences/" in message.body
    assert mine.emailed_at is not None
    [theirs] = rows(user=colleague.user)
    assert theirs.emailed_at is None  # still in-app


def test_opting_out_of_one_kind_keeps_email_for_the_others(
    tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox
):
    with tenant_context(tenant):
        services.notification_preferences_set(user=tenant_admin.user, email_by_kind={"api_key.created": False})

    with django_capture_on_commit_callbacks(execute=True):
        send(tenant, [tenant_admin.user], kind="api_key.created", title="API key created")
        send(tenant, [tenant_admin.user], kind="api_key.revoked", title="API key revoked")

    assert [m.subject for m in mailoutbox] == ["[Acme Security Partner Program] API key revoked"]


def test_no_email_when_the_transaction_rolls_back(tenant, tenant_admin, django_capture_on_commit_callbacks, mailoutbox):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort):
        with tenant_context(tenant):
            notify(users=[tenant_admin.user], kind="invitation.accepted", title="Never sent")
            raise Abort

    assert callbacks == [] and mailoutbox == [] and rows() == []


def test_the_email_task_run_twice_sends_once(tenant, tenant_admin, mailoutbox):
    [notification] = send(tenant, [tenant_admin.user])

    first = email_notification.delay(tenant_id=tenant.pk, notification_id=notification.pk).get()
    second = email_notification.delay(tenant_id=tenant.pk, notification_id=notification.pk).get()

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1


def test_the_email_task_of_another_tenant_finds_nothing(tenant, other_tenant, tenant_admin, mailoutbox):
    [notification] = send(tenant, [tenant_admin.user])

    assert email_notification.delay(tenant_id=other_tenant.pk, notification_id=notification.pk).get() is False
    assert mailoutbox == []


def test_email_is_plain_text_without_html_escapes(tenant, tenant_admin, mailoutbox):
    [notification] = send(tenant, [tenant_admin.user], title="Seán O'Brien & Co accepted", body="<b>not bold</b>")

    email_notification.delay(tenant_id=tenant.pk, notification_id=notification.pk).get()

    body = mailoutbox[0].body
    assert "Seán O'Brien & Co accepted" in body and "<b>not bold</b>" in body
    assert "&amp;" not in body and "&#x27;" not in body
    assert "/t/acme/notifications/\n" in body  # no link of its own: the list instead
