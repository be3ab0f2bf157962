"""Factories start from a tenant; tenant-owned rows are created inside that tenant's context (RLS applies)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from partners.models import PartnerOrganization, PartnerType
from prm.models import Membership, Tenant
from prm.roles import Role
from prm.tenancy import tenant_context

PASSWORD = "correct-horse-battery-9"


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"vendor{n}")
    name = factory.Sequence(lambda n: f"Vendor {n} Networks")
    program_name = factory.LazyAttribute(lambda o: f"{o.name} Partner Program")


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email address, able to log in with PASSWORD."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    tenant = factory.SubFactory(TenantFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenant_context(kwargs["tenant"]):
            return super()._create(model_class, *args, **kwargs)


class PartnerOrganizationFactory(TenantOwnedFactory):
    class Meta:
        model = PartnerOrganization

    name = factory.Sequence(lambda n: f"Partner {n} Solutions")
    partner_type = PartnerType.VAR
    region = "EMEA"


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CHANNEL_MANAGER


class StaffFactory(MembershipFactory):
    role = Role.TENANT_ADMIN


class PartnerUserFactory(MembershipFactory):
    role = Role.PARTNER_ADMIN
    partner_organization = factory.SubFactory(PartnerOrganizationFactory, tenant=factory.SelfAttribute("..tenant"))


def make_api_key(tenant, *, scopes=("partners:write",), partner_organization=None, name="CRM sync", **kwargs):
    """An API key of `tenant` created through the service (as its first tenant admin); returns (key, raw)."""
    from prm.api.keys import api_key_create

    admin = StaffFactory(tenant=tenant)
    with tenant_context(tenant):
        return api_key_create(
            actor=admin, name=name, scopes=list(scopes), partner_organization=partner_organization, **kwargs
        )


def make_agreement(
    tenant, *, actor=None, name="Partner program agreement", partner_type="", body=None, publish=True, reaccept_by=None
):
    """An agreement of `tenant` with version 1 written (and published, unless told) through the services, as
    `actor` or a new tenant admin; returns (agreement, version)."""
    from partners import services

    actor = actor or StaffFactory(tenant=tenant)
    with tenant_context(tenant):
        agreement = services.agreement_create(actor=actor, name=name, partner_type=partner_type)
        version = services.agreement_version_create(
            actor=actor, agreement=agreement, body=body or f"{name}: the partner follows the program's rules."
        )
        if publish:
            version = services.agreement_version_publish(actor=actor, version=version, reaccept_by=reaccept_by)
    return agreement, version


def _now():
    from django.utils import timezone

    return timezone.now()


class PartnerApplicationFactory(TenantOwnedFactory):
    """A submitted application (confirmed, not scored: score it with the services when the test needs it)."""

    class Meta:
        model = "partners.PartnerApplication"

    company_name = factory.Sequence(lambda n: f"Applicant {n} Networks")
    email_domain = factory.Sequence(lambda n: f"applicant{n}.com")
    website = factory.LazyAttribute(lambda o: f"https://www.{o.email_domain}")
    contact_first_name = "Jordan"
    contact_last_name = "Reyes"
    contact_email = factory.LazyAttribute(lambda o: f"jordan@{o.email_domain}")
    partner_type = PartnerType.VAR
    country = "DE"
    status = "submitted"
    confirmed_at = factory.LazyFunction(lambda: _now())


class IppCriterionFactory(TenantOwnedFactory):
    class Meta:
        model = "partners.IppCriterion"

    label = factory.Sequence(lambda n: f"Criterion {n}")
    attribute = "country"
    operator = "in"
    value = factory.LazyFunction(lambda: ["DE"])
    weight = 10


def set_program_settings(tenant, **values):
    """Save `tenant`'s partner program settings (PartnerProgramSettings fields; the rest keep their defaults)."""
    from partners.models import PartnerProgramSettings

    with tenant_context(tenant):
        settings, _created = PartnerProgramSettings.objects.update_or_create(tenant=tenant, defaults=values)
    return settings


def program_settings_of(tenant):
    """`tenant`'s partner program settings as saved (None when it has saved none)."""
    from partners.models import PartnerProgramSettings

    with tenant_context(tenant):
        return PartnerProgramSettings.objects.filter().first()
