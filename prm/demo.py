"""The demo program's people: a network-security vendor's staff and the partner users (`make run` prints these
logins before the web server starts, so this is plain data, importable without Django set up). Each app seeds its
own part of the demo (`seed_demo` in its declarations.py); `demo_member` gives them the people."""

from functools import cache

from prm.roles import Role

DEMO_PASSWORD = "sentinel-demo-2026"  # noqa: S105 - printed on purpose: it is the demo's login

STAFF = [
    ("admin@demo.example", "Dana", "Whitfield", Role.TENANT_ADMIN),
    ("channel@demo.example", "Marcus", "Chen", Role.CHANNEL_MANAGER),
    ("marketing@demo.example", "Priya", "Raman", Role.MARKETING),
    ("finance@demo.example", "Tomás", "Álvarez", Role.FINANCE),
    ("analyst@demo.example", "Hannah", "Berg", Role.ANALYST),
]
PARTNER_USERS = [
    ("partner.admin@northwind.example", "Olivia", "Hart", Role.PARTNER_ADMIN, "Northwind Secure Solutions"),
    ("partner.sales@northwind.example", "Liam", "Okafor", Role.PARTNER_SALES, "Northwind Secure Solutions"),
    ("marketing@northwind.example", "Mia", "Sorensen", Role.PARTNER_MARKETING, "Northwind Secure Solutions"),
    ("admin@bluefjord.example", "Henrik", "Lund", Role.PARTNER_ADMIN, "Bluefjord IT"),
]


@cache
def _demo_password_hash() -> str:
    # Every demo login shares the password: hashing it once, not per person, keeps seeding fast (a hash takes ~0.8 s).
    from django.contrib.auth.hashers import make_password

    return make_password(DEMO_PASSWORD)


def demo_member(email: str, first: str, last: str, role: str, organization=None):
    """The demo person with this e-mail (verified, password DEMO_PASSWORD) as a member of the current tenant."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from prm.models import Membership

    User = get_user_model()  # noqa: N806 - a model class
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, password=_demo_password_hash(), first_name=first, last_name=last)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    membership, _ = Membership.objects.get_or_create(
        user=user, defaults={"role": role, "partner_organization": organization}
    )
    return membership
