"""The staff decision screen (issue 16, 4.5): a refused decision shows its error at the top of the decision form and
beside the field, where the page lands; the rejection's explanation says that the partner reads it; the screen has
no partner wording and no partner's Withdraw form; attribution is read-only once the registration is final."""

import re

import pytest

from dealreg import services
from dealreg.models import DealStatus
from prm.errors import InvalidTransition
from prm.tenancy import tenant_context
from tests.api.conftest import key_client, problem_of
from tests.conftest import login
from tests.dealreg.helpers import refreshed
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def decision_card(body: str) -> str:
    """The decision card's HTML (up to the attribution card that follows it)."""
    assert 'id="decision"' in body, "no decision form on the page"
    return body[body.index('id="decision"') : body.index('id="attribution"')]


def test_rejecting_without_a_reason_shows_the_error_at_the_top_of_the_decision_form(
    client, tenant, channel_manager, register
):
    registration = register()
    login(client, channel_manager)
    page = client.get(f"/t/acme/deals/{registration.pk}/").content.decode()
    # Every decision that can be refused comes back to the decision form, not to the top of a long page.
    assert page.count(f'action="/t/acme/deals/{registration.pk}/decide/#decision"') == 3

    response = client.post(
        f"/t/acme/deals/{registration.pk}/decide/",
        {"decision": "reject", "reason": "", "note": "Your customer is with another partner"},
    )

    assert response.status_code == 400
    card = decision_card(response.content.decode())
    summary = card.index('data-testid="decision-errors"')
    assert "Choose the reason from the list." in card[summary : card.index("<form")]
    select = re.search(r'<select[^>]*id="reject-reason"[^>]*>', card).group(0)
    assert (
        "is-invalid" in select
        and 'aria-invalid="true"' in select
        and 'aria-describedby="reject-reason-error"' in select
    )
    assert 'id="reject-reason-error">Choose the reason from the list.' in card
    # What the reviewer typed is still there.
    assert ">Your customer is with another partner</textarea>" in card
    assert refreshed(tenant, registration).status == DealStatus.SUBMITTED


def test_a_refused_question_comes_back_beside_its_own_field(client, tenant, channel_manager, register):
    registration = register()
    login(client, channel_manager)
    response = client.post(f"/t/acme/deals/{registration.pk}/decide/", {"decision": "request_info", "question": ""})
    assert response.status_code == 400
    card = decision_card(response.content.decode())
    assert "Write your question." in card
    assert re.search(r'<textarea[^>]*is-invalid[^>]*id="info-question"[^>]*aria-invalid="true"', card)
    assert "reject-reason-error" not in card


def test_the_rejection_explanation_says_the_partner_reads_it(client, tenant, channel_manager, register):
    registration = register()
    login(client, channel_manager)
    card = decision_card(client.get(f"/t/acme/deals/{registration.pk}/").content.decode())
    assert '<label class="form-label small" for="reject-note">Explanation for the partner</label>' in card
    assert "The partner reads this explanation with the reason" in card
    assert 'aria-describedby="reject-note-help"' in card


def test_the_staff_screen_has_no_partner_wording_and_no_withdraw_form(
    client, tenant, channel_manager, partner_admin, register
):
    registration = register()
    login(client, channel_manager)
    staff = client.get(f"/t/acme/deals/{registration.pk}/").content.decode()
    assert f"/t/acme/deals/{registration.pk}/withdraw/" not in staff
    assert "Withdraw" not in staff
    assert "A channel manager decides by" not in staff
    assert "Review due by" in staff

    login(client, partner_admin)
    partner = client.get(f"/t/acme/deals/{registration.pk}/").content.decode()
    assert f"/t/acme/deals/{registration.pk}/withdraw/" in partner
    assert "A channel manager decides by" in partner


def test_staff_ask_for_no_extension_in_the_partners_place(client, tenant, channel_manager, partner_admin, register):
    registration = register()
    with tenant_context(tenant):
        services.deal_approve(actor=channel_manager, registration=registration)
    login(client, channel_manager)
    staff = client.get(f"/t/acme/deals/{registration.pk}/").content.decode()
    assert "Ask for more protection" not in staff and "Withdraw" not in staff
    assert f"/t/acme/deals/{registration.pk}/close/" in staff  # staff may still record the outcome
    login(client, partner_admin)
    assert "Ask for more protection" in client.get(f"/t/acme/deals/{registration.pk}/").content.decode()


def test_attribution_is_read_only_once_the_registration_is_rejected(
    client, tenant, channel_manager, partner_org, register
):
    registration = register()
    login(client, channel_manager)
    assert (
        f"/t/acme/deals/{registration.pk}/participants/"
        in client.get(f"/t/acme/deals/{registration.pk}/").content.decode()
    )
    with tenant_context(tenant):
        services.deal_reject(actor=channel_manager, registration=registration, reason="not_qualified")

    page = client.get(f"/t/acme/deals/{registration.pk}/").content.decode()
    assert f"/t/acme/deals/{registration.pk}/participants/" not in page
    assert "The registration is final (Rejected): its attribution stays as it is." in page

    rows = {"partner_organization": str(partner_org.pk), "role": "sourced", "share": "100"}
    refused = client.post(f"/t/acme/deals/{registration.pk}/participants/", rows)
    assert refused.status_code == 400
    assert "its attribution can no longer be changed" in refused.content.decode()


@pytest.mark.parametrize("final", ["withdrawn", "won"])
def test_the_service_and_the_api_refuse_attribution_of_a_final_registration(
    tenant, channel_manager, partner_org, register, final
):
    registration = register()
    with tenant_context(tenant):
        if final == "withdrawn":
            services.deal_withdraw(actor=channel_manager, registration=registration)
        else:
            services.deal_approve(actor=channel_manager, registration=registration)
            services.deal_mark_won(actor=channel_manager, registration=registration, closed_amount="48000")
        with pytest.raises(InvalidTransition) as refused:
            services.deal_set_participants(
                actor=channel_manager,
                registration=registration,
                participants=[{"partner_organization": partner_org.pk, "role": "sourced", "share": "100"}],
            )
    assert refused.value.field == "participants"
    api = key_client(make_api_key(tenant, scopes=["deals:write"], name="CRM")[1])
    body = {"participants": [{"partner_organization": partner_org.pk, "role": "sourced", "share": "100"}]}
    problem_of(api.post(f"/api/v1/deals/{registration.pk}/participants/", body, format="json"), 409)
