"""Evaluations in words: what was met, and what is missing for the next tier ("40,000.00 USD more won revenue
(sourced) and 2 more certified people to reach Gold"). Texts are built in the active language."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _gettext

from prm.templatetags.prm_format import money
from tiering.evaluation import Check, Evaluation, ProgramSpec, TierSpec
from tiering.metrics import METRICS, Unit
from tiering.models import Operator


# A recalculation explains thousands of results with the same few texts: translated once per language (Django's
# gettext costs tens of microseconds a call), the explanations of 10,000 partners take a fraction of a second.
@lru_cache(maxsize=512)
def _translated(message: str, language: str | None) -> str:
    return _gettext(message)


def _(message: str) -> str:
    return _translated(message, get_language())


@lru_cache(maxsize=512)
def _metric_label(metric_key: str, language: str | None) -> str:
    metric = METRICS.get(metric_key)
    return str(metric.label).lower() if metric else metric_key


def metric_label(metric_key: str) -> str:
    return _metric_label(metric_key, get_language())


def metric_unit(metric_key: str) -> str:
    metric = METRICS.get(metric_key)
    return metric.unit if metric else Unit.COUNT


def format_value(metric_key: str, value: Decimal, currency: str) -> str:
    unit = metric_unit(metric_key)
    if unit == Unit.MONEY:
        return money(value, currency)
    if unit == Unit.PERCENT:
        return f"{number_format(value, decimal_pos=1, use_l10n=True)} %"
    if unit == Unit.FLAG:
        return _("yes") if value else _("no")
    whole = value == value.to_integral_value()
    return number_format(value, decimal_pos=0 if whole else 2, use_l10n=True, force_grouping=True)


def describe_gap(check: Check, currency: str) -> str:
    """ "2 more certified people" (in the plural form the number needs: "1 more certified person"); a condition where
    less is better: "certified people at most 3"."""
    key = check.criterion.metric_key
    if metric_unit(key) == Unit.FLAG:
        return _("%(metric)s") % {"metric": metric_label(key)}
    gap = check.gap
    if gap > 0:
        unit = metric_unit(key)
        counted = unit in (Unit.COUNT, Unit.DAYS)
        amount = format_value(key, gap.to_integral_value() if counted else gap, currency)
        metric = METRICS.get(key)
        if metric is not None and metric.more is not None:
            # The plural form the number needs ("1 more certified person", "2 more certified people").
            return str(metric.more % {"count": int(gap.to_integral_value()), "amount": amount})
        if counted:
            # A count without plural forms of its own: a wording right for one and for many.
            return _("%(metric)s: %(amount)s more") % {"amount": amount, "metric": metric_label(key)}
        return _("%(amount)s more %(metric)s") % {"amount": amount, "metric": metric_label(key)}
    return _("%(metric)s %(operator)s %(threshold)s") % {
        "metric": metric_label(key),
        "operator": Operator(check.criterion.operator).label,
        "threshold": format_value(key, check.criterion.threshold, currency),
    }


def _describe_value(check: Check, currency: str) -> str:
    key = check.criterion.metric_key
    return f"{metric_label(key)} {format_value(key, check.value, currency)}"


def missing_text(missing: Sequence[Check], currency: str) -> str:
    return str(get_text_list([describe_gap(check, currency) for check in missing], _("and")))


def explain(
    program: ProgramSpec, evaluation: Evaluation, *, held: TierSpec | None, currency: str, change_text: str = ""
) -> str:
    """One paragraph: the tier the data gives and the conditions it met, then what is missing for the next one."""
    parts = []
    if change_text:
        parts.append(change_text)
    qualified = evaluation.qualified
    if qualified is None:
        parts.append(_("The metrics meet no tier's criteria."))
    else:
        met = [check for check in (evaluation.result_for(qualified).checks) if check.met]
        if met:
            parts.append(
                _("Qualifies for %(tier)s: %(met)s.")
                % {
                    "tier": qualified.name,
                    "met": get_text_list(
                        [_describe_value(check, currency) for check in met],
                        _("and"),
                    ),
                }
            )
        else:
            parts.append(_("Qualifies for %(tier)s.") % {"tier": qualified.name})
    if evaluation.score is not None:
        parts.append(_("Score: %(score)s.") % {"score": number_format(evaluation.score, decimal_pos=2, use_l10n=True)})
    if held is not None and (qualified is None or held.rank > qualified.rank):
        target = held  # at risk: what would keep the tier held
    else:
        target = program.above(qualified)
    if target is not None:
        missing = evaluation.missing_for(target)
        if missing:
            parts.append(
                _("To reach %(tier)s: %(missing)s.") % {"tier": target.name, "missing": missing_text(missing, currency)}
            )
        result = evaluation.result_for(target)
        if result is not None and result.score is not None and program.model == "points":
            parts.append(
                _("%(tier)s needs %(needed)s points (%(score)s now) and points in every category.")
                % {
                    "tier": target.name,
                    "needed": number_format(target.min_score, decimal_pos=0, use_l10n=True),
                    "score": number_format(result.score, decimal_pos=2, use_l10n=True),
                }
            )
    return " ".join(parts)
