"""`{% onboarding_checklist %}` (portal home) and `{% onboarding_panel partner %}` (partner page): the onboarding
shown on pages whose views belong to other modules, rendered from the same selector and partial."""

from django import template

from partners.views.onboarding import checklist_context

register = template.Library()


@register.inclusion_tag("partners/onboarding/partials/checklist.html", takes_context=True)
def onboarding_checklist(context):
    """The signed-in partner user's own checklist (nothing for staff or outside a tenant)."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_partner_role or membership.partner_organization is None:
        return {"onboarding": None, "hidden": True}
    values = checklist_context(membership=membership, tenant=request.tenant, partner=membership.partner_organization)
    return {
        **values,
        "tenant": request.tenant,
        "membership": membership,
        "compact": True,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("partners/onboarding/partials/panel.html", takes_context=True)
def onboarding_panel(context, partner):
    """The partner page's onboarding card: steps, who completed them and when, manual-step and start buttons."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    values = checklist_context(membership=membership, tenant=request.tenant, partner=partner)
    return {**values, "tenant": request.tenant, "membership": membership, "csrf_token": context.get("csrf_token")}
