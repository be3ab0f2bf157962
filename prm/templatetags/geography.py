"""`{{ partner.country|country }}`, `{{ partner.region|region }}`, `{{ application.regions|regions }}`: codes shown
by their names in the reader's language (values kept from before the choices show as written)."""

from django import template

from prm.geography import country_name, region_label

register = template.Library()


@register.filter
def country(code) -> str:
    return country_name(code or "")


@register.filter
def region(code) -> str:
    return region_label(code or "")


@register.filter
def regions(codes) -> str:
    return ", ".join(region_label(code) for code in codes or [])
