"""What each app brings to the platform, collected when Django starts.

The core names no domain app. Each app declares, in its own `declarations.py` (found the way the admin finds
`admin.py`), any of:

- `RULES`: policy actions → the roles allowed (merged into `prm.policy.RULES`);
- `API_RESOURCES`: names an API key can be granted (`<resource>:read` / `<resource>:write`, merged into
  `prm.api.keys.RESOURCES`);
- `API_ROUTE_MODULES`: dotted paths of modules whose `ROUTES` list `(prefix, viewset, basename)` for `/api/v1/`;
- `PAGE_URLS`: the dotted path of the app's URL module, included under `/t/<slug>/` (so a new app's pages need no
  line in `prm/urls.py`);
- `EVENT_TYPES`: the `EventType`s the app records (importable constants, with their payload described for the
  webhook catalogue);
- `NOTIFICATION_KINDS`: `prm.notifications.kinds.Kind`s the app sends (merged into `KINDS`);
- `NAVIGATION`: `NavigationEntry`s for the top bar (staff and partners alike; the permission decides who sees one);
- `CONSOLE_CARDS`: `ConsoleCard`s for the staff console;
- `PORTAL_CARDS`: `PortalCard`s for the partner portal's home page;
- `PARTNER_PANELS`: `PartnerPanel`s, sections of a partner's page from apps above partners (its deals), which
  partners may not import;
- `PUBLIC_LINKS`: `PublicLink`s on the program's public home page (`/t/<slug>/` for visitors who are not signed in);
- `seed_demo(tenant, admin)`: the app's part of the demo program, run in `INSTALLED_APPS` order.

`collect()` runs once from `PrmConfig.ready()`; a name declared twice is a programming error and stops start-up.
docs/architecture.md ("Adding an app") walks through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

DECLARATIONS_MODULE = "declarations"


class EventType(str):
    """A domain event's type, e.g. `deal.approved`: a string (so it is stored, compared and subscribed to as one)
    that also carries what the webhook catalogue shows about it."""

    description: str
    payload: dict[str, str]

    def __new__(cls, name: str, description: str = "", payload: dict[str, str] | None = None):
        event_type = super().__new__(cls, name)
        event_type.description = description
        event_type.payload = dict(payload or {})
        return event_type


@dataclass(frozen=True)
class NavigationEntry:
    """A link in the top bar, shown to members the policy allows `permission`. `badge(request)` may return a count
    shown beside the label (work waiting)."""

    label: str
    url_name: str
    permission: str
    icon: str = ""
    order: int = 100
    testid: str = ""
    badge: Callable | None = None
    badge_testid: str = ""


@dataclass(frozen=True)
class ConsoleCard:
    """A card on the staff console: `template` rendered with `context(request)`, for members allowed `permission`."""

    template: str
    permission: str
    context: Callable = field(default=lambda request: {})
    order: int = 100


@dataclass(frozen=True)
class PortalCard:
    """A card on the partner portal's home page: `template` rendered with `context(request)`, for members allowed
    `permission`."""

    template: str
    permission: str
    context: Callable = field(default=lambda request: {})
    order: int = 100


@dataclass(frozen=True)
class PartnerPanel:
    """A section of a partner's page (`/t/<slug>/partners/<id>/`) that an app above partners brings: `template`
    rendered with `context(request, partner)` (a dict; None leaves the panel out), for members allowed `permission`
    on the partner. `context` reads through its own app's selectors, in a fixed number of queries."""

    template: str
    permission: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class PublicLink:
    """A link on the program's public home page for visitors who are not signed in (e.g. "Apply to become a
    partner"), shown when `shown(tenant)` says so (run inside the tenant's context)."""

    label: str
    url_name: str
    shown: Callable = field(default=lambda tenant: True)
    order: int = 100
    testid: str = ""


@dataclass
class _Registry:
    collected: bool = False
    api_route_modules: list[str] = field(default_factory=list)
    page_url_modules: list[str] = field(default_factory=list)
    event_types: dict[str, EventType] = field(default_factory=dict)
    navigation: list[NavigationEntry] = field(default_factory=list)
    console_cards: list[ConsoleCard] = field(default_factory=list)
    portal_cards: list[PortalCard] = field(default_factory=list)
    partner_panels: list[PartnerPanel] = field(default_factory=list)
    public_links: list[PublicLink] = field(default_factory=list)
    demo_seeders: list[Callable] = field(default_factory=list)


_registry = _Registry()


def declarations_modules() -> list:
    """Each installed app's `declarations` module, in INSTALLED_APPS order (the core's first)."""
    modules = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, DECLARATIONS_MODULE):
            modules.append(import_module(f"{app_config.name}.{DECLARATIONS_MODULE}"))
    return modules


def _add_unique(kind: str, target: dict, additions: dict, module) -> None:
    clash = sorted(set(additions) & set(target))
    if clash:
        raise ImproperlyConfigured(f"{module.__name__} declares {kind} already declared elsewhere: {', '.join(clash)}")
    target.update(additions)


def collect() -> None:
    """Gather every app's declarations once, into the core's own tables (policy rules, notification kinds, API key
    scopes) and this registry. Called from `PrmConfig.ready()`."""
    if _registry.collected:
        return
    from prm import policy
    from prm.api import keys
    from prm.notifications import kinds

    for module in declarations_modules():
        _add_unique("policy actions", policy.RULES, getattr(module, "RULES", {}), module)
        resources = {resource: None for resource in getattr(module, "API_RESOURCES", ())}
        _add_unique("API resources", dict.fromkeys(keys.RESOURCES), resources, module)
        keys.RESOURCES.extend(resources)
        _registry.api_route_modules.extend(getattr(module, "API_ROUTE_MODULES", ()))
        if getattr(module, "PAGE_URLS", ""):
            _registry.page_url_modules.append(module.PAGE_URLS)
        event_types = {str(event_type): event_type for event_type in getattr(module, "EVENT_TYPES", ())}
        _add_unique("event types", _registry.event_types, event_types, module)
        notification_kinds = {kind.key: kind for kind in getattr(module, "NOTIFICATION_KINDS", ())}
        _add_unique("notification kinds", kinds.KINDS, notification_kinds, module)
        _registry.navigation.extend(getattr(module, "NAVIGATION", ()))
        _registry.console_cards.extend(getattr(module, "CONSOLE_CARDS", ()))
        _registry.portal_cards.extend(getattr(module, "PORTAL_CARDS", ()))
        _registry.partner_panels.extend(getattr(module, "PARTNER_PANELS", ()))
        _registry.public_links.extend(getattr(module, "PUBLIC_LINKS", ()))
        if hasattr(module, "seed_demo"):
            _registry.demo_seeders.append(module.seed_demo)
    keys.ALL_SCOPES[:] = [f"{resource}:{access}" for resource in keys.RESOURCES for access in ("read", "write")]
    _registry.navigation.sort(key=lambda entry: entry.order)
    _registry.console_cards.sort(key=lambda card: card.order)
    _registry.portal_cards.sort(key=lambda card: card.order)
    _registry.partner_panels.sort(key=lambda panel: panel.order)
    _registry.public_links.sort(key=lambda link: link.order)
    # An unknown action stops start-up here rather than on a page.
    used = [entry.permission for entry in _registry.navigation]
    used += [card.permission for card in [*_registry.console_cards, *_registry.portal_cards]]
    used += [panel.permission for panel in _registry.partner_panels]
    used += [kind.audience for kind in kinds.KINDS.values()]
    unknown = sorted({action for action in used if action and action not in policy.RULES})
    if unknown:
        raise ImproperlyConfigured(
            f"Navigation, cards, partner panels or notification kinds name unknown actions: {unknown}"
        )
    _registry.collected = True


def _collected() -> _Registry:
    collect()
    return _registry


def api_routes() -> list[tuple]:
    """Every app's `(prefix, viewset, basename)` for the API router, in declaration order."""
    return [route for path in _collected().api_route_modules for route in import_module(path).ROUTES]


def page_url_modules() -> list[str]:
    """Every app's URL module for the tenant's pages, in INSTALLED_APPS order."""
    return list(_collected().page_url_modules)


def event_types() -> dict[str, EventType]:
    """Every declared event type by name, sorted."""
    return dict(sorted(_collected().event_types.items()))


def require_event_types(names: Iterable[str], *, where: str) -> None:
    """Stop start-up when `names` holds an event type no installed app declares (a typo would never match)."""
    unknown = sorted({name for name in names if name and name not in _collected().event_types})
    if unknown:
        raise ImproperlyConfigured(f"{where} name event types no app declares: {', '.join(unknown)}")


def navigation() -> list[NavigationEntry]:
    return list(_collected().navigation)


def console_cards() -> list[ConsoleCard]:
    return list(_collected().console_cards)


def portal_cards() -> list[PortalCard]:
    return list(_collected().portal_cards)


def partner_panels() -> list[PartnerPanel]:
    return list(_collected().partner_panels)


def public_links() -> list[PublicLink]:
    return list(_collected().public_links)


def demo_seeders() -> list[Callable]:
    return list(_collected().demo_seeders)
