"""Which language and time zone a person sees: on pages (per request) and in what is sent to them (e-mails,
notifications rendered by tasks).

The language is the user's own choice, else the browser's (Accept-Language, when it names one of LANGUAGES),
else the program's default, else English. The time zone is the user's, else the program's, else UTC. Pages
show every time in that zone with the zone's name, so nobody has to guess which clock a deadline follows.
"""

from __future__ import annotations

import zoneinfo
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from prm.errors import ValidationFailed

DEFAULT_LANGUAGE = "en"
DEFAULT_TIME_ZONE = "UTC"


def language_codes() -> frozenset[str]:
    return frozenset(code for code, _name in settings.LANGUAGES)


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("Deutsch", "Français"): a reader finds their own whatever is active."""
    return [(code, capfirst(translation.get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """IANA zones people pick from: regions and cities, plus UTC; not the legacy aliases (US/Pacific, Etc/GMT+5)."""
    legacy = ("Etc/", "SystemV/", "US/", "posix", "right/")
    names = {name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(legacy)}
    return tuple(sorted(names | {DEFAULT_TIME_ZONE}))


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def clean_language(value: str, *, field: str = "language") -> str:
    """One of LANGUAGES, or "" for "not chosen"."""
    code = (value or "").strip().lower()
    if code and code not in language_codes():
        raise ValidationFailed(_("Choose one of the offered languages."), field=field)
    return code


def clean_time_zone(value: str, *, field: str = "time_zone") -> str:
    """An IANA time zone name such as Europe/Berlin, or "" for "not chosen"."""
    name = (value or "").strip()
    if name and name not in time_zone_names():
        raise ValidationFailed(
            _("“%(zone)s” is not a time zone. Choose one from the list, such as Europe/Berlin.") % {"zone": name[:64]},
            field=field,
        )
    return name


def browser_language(request) -> str:
    """The first language of Accept-Language that the platform speaks, or "" when it names none of them."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            variant = get_supported_language_variant(code)
        except LookupError:
            continue
        return variant.split("-")[0]
    return ""


def language_for(*, user=None, tenant=None, request=None) -> str:
    """The user's choice; a visitor's choice on the language switcher (a cookie); the browser's; the program's."""
    candidates = [getattr(user, "language", "") if user is not None and user.is_authenticated else ""]
    if request is not None:
        candidates += [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""), browser_language(request)]
    candidates.append(getattr(tenant, "default_language", ""))
    for code in candidates:
        if code in language_codes():
            return code
    return DEFAULT_LANGUAGE


def time_zone_for(*, user=None, tenant=None) -> str:
    chosen = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    for name in (chosen, getattr(tenant, "default_time_zone", "")):
        if name:
            try:
                zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue  # a zone the system no longer knows: fall back rather than fail the page
            return name
    return DEFAULT_TIME_ZONE


def activate_for_request(request, tenant=None) -> None:
    """Activate the language and time zone of the request's user, in `tenant` when the page belongs to one."""
    language = language_for(user=request.user, tenant=tenant, request=request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    timezone.activate(zoneinfo.ZoneInfo(time_zone_for(user=request.user, tenant=tenant)))


@contextmanager
def recipient_locale(user, tenant=None):
    """Render something sent to `user` (an e-mail, a notification) in their language and time zone; there is no
    browser to ask, so the program's default follows their own choice."""
    with translation.override(language_for(user=user, tenant=tenant)):
        with timezone.override(zoneinfo.ZoneInfo(time_zone_for(user=user, tenant=tenant))):
            yield


def _format(message, params: dict) -> str:
    return str(message) % {key: str(value) if isinstance(value, Promise) else value for key, value in params.items()}


_lazy_format = lazy(_format, str)


def lazy_format(message, **params) -> Promise:
    """`message % params`, done when the text is shown rather than now: for text built once and shown to several
    people (a notification's title), each in their own language. `message` is a `gettext_lazy` string; a lazy
    parameter (a date formatted for the reader) is evaluated then too."""
    return _lazy_format(message, params)


def render_for(user, tenant, text) -> str:
    """`text` as `user` reads it: a lazy text in their language and time zone, anything else as it is."""
    if not isinstance(text, Promise):
        return text
    with recipient_locale(user, tenant):
        return str(text)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware (Content-Language, Vary: Accept-Language), choosing as described above.

    It runs after authentication (it needs the user); the tenant is known only once `TenantMiddleware` has
    resolved it in `process_view`, which calls `activate_for_request` again with the tenant."""

    def process_request(self, request):
        activate_for_request(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # The thread serves other people next (and tests run many requests in one thread): leave nothing behind.
        translation.deactivate()
        timezone.deactivate()
        return response
