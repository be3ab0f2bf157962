"""The ideal partner profile's criteria: what a tenant scores applications against. Every change scores the
applications in review again (partners.services.applications.applications_rescore)."""

from __future__ import annotations

from django.db import transaction

from partners.models import IppCriterion
from partners.services.applications import applications_rescore
from partners.services.cleaning import clean_criterion
from prm import policy
from prm.policy import Actor


@transaction.atomic
def criterion_create(*, actor: Actor, label: str = "", attribute: str, operator: str, value, weight=10) -> IppCriterion:
    """Tenant admins add a criterion to the ideal partner profile; submitted applications are scored again."""
    policy.require(actor, "recruitment.manage")
    fields = clean_criterion(label=label, attribute=attribute, operator=operator, value=value, weight=weight)
    position = IppCriterion.objects.count()
    criterion = IppCriterion.objects.create(**fields, position=position)
    applications_rescore()
    return criterion


@transaction.atomic
def criterion_update(
    *, actor: Actor, criterion: IppCriterion, label: str = "", attribute: str, operator: str, value, weight
) -> IppCriterion:
    """Tenant admins change a criterion (its fields checked as on creation); submitted applications are scored
    again."""
    policy.require(actor, "recruitment.manage", criterion)
    fields = clean_criterion(label=label, attribute=attribute, operator=operator, value=value, weight=weight)
    criterion = IppCriterion.objects.select_for_update().get(pk=criterion.pk)
    for name, field_value in fields.items():
        setattr(criterion, name, field_value)
    criterion.save()
    applications_rescore()
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Actor, criterion: IppCriterion) -> None:
    """Tenant admins remove a criterion; submitted applications are scored again."""
    policy.require(actor, "recruitment.manage", criterion)
    IppCriterion.objects.filter(pk=criterion.pk).delete()
    applications_rescore()
