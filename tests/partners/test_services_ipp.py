"""Ideal-partner-profile scoring: exact scores and explanations for known profiles and criteria."""

from types import SimpleNamespace

import pytest

from partners.models import IppAttribute, IppOperator, PartnerOrganization
from partners.services.ipp import ipp_score, percent


def criterion(label, attribute, operator, value, weight):
    return SimpleNamespace(label=label, attribute=attribute, operator=operator, value=value, weight=weight)


def application(**fields):
    base = {
        "partner_type": "var",
        "country": "DE",
        "regions": ["EMEA"],
        "industries": ["Retail", "finance"],
        "company_size": "11-50",
        "annual_revenue_band": "1m-10m",
        "customer_count": 40,
        "certifications": [],
    }
    return SimpleNamespace(**{**base, **fields})


CRITERIA = [
    criterion("DACH headquarters", IppAttribute.COUNTRY, IppOperator.IN, ["DE", "AT", "CH"], 30),
    criterion("Regulated industries", IppAttribute.INDUSTRY, IppOperator.ANY, ["Healthcare", "Finance"], 20),
    criterion("Customer base", IppAttribute.CUSTOMER_COUNT, IppOperator.AT_LEAST, 25, 25),
    criterion("Mid-size or larger", IppAttribute.COMPANY_SIZE, IppOperator.AT_LEAST, "51-200", 15),
    criterion("Security certified", IppAttribute.CERTIFICATION, IppOperator.ANY, ["CISSP"], 7),
]


def test_known_application_scores_75_of_97_points_as_77_with_each_criterion_explained():
    result = ipp_score(profile=application(), criteria=CRITERIA)

    assert result.score == 77  # 100 × 75 / 97 = 77.3
    assert result.explanation == [
        {
            "criterion": "DACH headquarters",
            "points": 30,
            "of": 30,
            "matched": True,
            "why": "Country Germany is one of Germany, Austria, Switzerland",
        },
        {
            "criterion": "Regulated industries",
            "points": 20,
            "of": 20,
            "matched": True,
            "why": "Industries include finance, one of Healthcare, Finance",
        },
        {
            "criterion": "Customer base",
            "points": 25,
            "of": 25,
            "matched": True,
            "why": "Customer count 40 is at least 25",
        },
        {
            "criterion": "Mid-size or larger",
            "points": 0,
            "of": 15,
            "matched": False,
            "why": "Company size 11–50 employees is below 51–200 employees",
        },
        {
            "criterion": "Security certified",
            "points": 0,
            "of": 7,
            "matched": False,
            "why": "Certifications not given",
        },
    ]


def test_no_criteria_scores_zero_with_nothing_to_explain():
    result = ipp_score(profile=application(), criteria=[])
    assert (result.score, result.explanation) == (0, [])


def test_every_criterion_matched_scores_100_and_none_scores_0():
    perfect = application(company_size="201-1000", certifications=["cissp"])
    assert ipp_score(profile=perfect, criteria=CRITERIA).score == 100
    poor = application(country="FR", industries=["Retail"], customer_count=3, company_size="1-10")
    result = ipp_score(profile=poor, criteria=CRITERIA)
    assert result.score == 0
    assert [row["why"] for row in result.explanation[:3]] == [
        "Country France is not one of Germany, Austria, Switzerland",
        "Industries (Retail) include none of Healthcare, Finance",
        "Customer count 3 is below 25",
    ]


def test_halves_round_up():
    criteria = [
        criterion("German", IppAttribute.COUNTRY, IppOperator.IN, ["DE"], 1),
        criterion("Distributor", IppAttribute.PARTNER_TYPE, IppOperator.IN, ["distributor"], 7),
    ]
    assert ipp_score(profile=application(), criteria=criteria).score == 13  # 12.5
    assert percent(1, 8) == 13 and percent(0, 0) == 0 and percent(2, 3) == 67


def test_revenue_band_and_size_compare_by_their_order_and_partner_type_by_value():
    criteria = [
        criterion("Not too big", IppAttribute.REVENUE_BAND, IppOperator.AT_MOST, "10m-50m", 10),
        criterion("Resellers", IppAttribute.PARTNER_TYPE, IppOperator.IN, ["var", "reseller"], 10),
        criterion("Small is fine", IppAttribute.COMPANY_SIZE, IppOperator.AT_MOST, "11-50", 10),
    ]
    result = ipp_score(profile=application(), criteria=criteria)
    assert result.score == 100
    assert [row["why"] for row in result.explanation] == [
        "Revenue band $1M–$10M is at most $10M–$50M",
        "Partner type Value-added reseller is one of Value-added reseller, Reseller",
        "Company size 11–50 employees is at most 11–50 employees",
    ]
    big = application(annual_revenue_band=">250m")
    assert ipp_score(profile=big, criteria=criteria[:1]).explanation[0]["why"] == (
        "Revenue band Over $250M is above $10M–$50M"
    )


@pytest.mark.parametrize("missing", [None, "", []])
def test_a_value_not_given_never_matches(missing):
    result = ipp_score(profile=application(customer_count=missing, country=missing), criteria=CRITERIA[:3])
    assert [row["matched"] for row in result.explanation] == [False, True, False]
    assert result.explanation[0]["why"] == "Country not given"
    assert result.score == 27  # 20 of 75


def test_a_partner_organization_profile_is_scored_too_without_the_fields_it_lacks():
    partner = PartnerOrganization(
        name="Northwind", partner_type="var", country="AT", industries=["Healthcare"], customer_count=10
    )
    criteria = [
        *CRITERIA[:3],
        criterion("Revenue", IppAttribute.REVENUE_BAND, IppOperator.AT_LEAST, "1m-10m", 25),
    ]
    result = ipp_score(profile=partner, criteria=criteria)
    assert [row["points"] for row in result.explanation] == [30, 20, 0, 0]
    assert result.explanation[3]["why"] == "Revenue band not given"
    assert result.score == 50
