"""Company-name normalisation shared by every app (prm.names): branch and location qualifiers. The rest of the
normalisation is specified by the tables of tests/dealreg/test_matching.py."""

import pytest

from prm.names import name_location


@pytest.mark.parametrize(
    ("name", "core", "places"),
    [
        pytest.param("Acme (Berlin)", ("acme",), {"berlin"}, id="city-in-parentheses"),
        pytest.param("Acme - EMEA", ("acme",), {"emea"}, id="region-after-a-dash"),
        pytest.param("Acme – Asia Pacific", ("acme",), {"apac"}, id="region-of-two-words"),
        pytest.param("Acme UK Branch", ("acme",), {"uk"}, id="branch-of-a-country"),
        pytest.param("Acme UK Ltd", ("acme",), {"uk"}, id="country-before-the-legal-form"),
        pytest.param("Acme Deutschland GmbH", ("acme",), {"germany"}, id="country-in-its-own-language"),
        pytest.param("Acme Germany", ("acme",), {"germany"}, id="country-in-english-is-the-same-place"),
        pytest.param("Acme (Schweiz) AG", ("acme",), {"switzerland"}, id="swiss-in-german"),
        pytest.param("Acme Suisse SA", ("acme",), {"switzerland"}, id="swiss-in-french"),
        pytest.param("Acme GmbH (München)", ("acme",), {"munich"}, id="legal-form-before-the-place"),
        pytest.param("Acme Muenchen", ("acme",), {"munich"}, id="umlaut-written-out"),
        pytest.param("Acme North America Inc", ("acme",), {"americas"}, id="north-america"),
        pytest.param("Acme Niederlassung Ingolstadt", ("acme",), set(), id="branch-of-a-place-not-listed"),
        pytest.param("Acme - London Office", ("acme",), {"london"}, id="office-of-a-city"),
        pytest.param("Acme Holdings EMEA", ("acme", "holdings"), {"emea"}, id="generic-words-stay"),
    ],
)
def test_a_branch_or_location_at_the_end_is_set_apart(name, core, places):
    assert name_location(name) == (core, frozenset(places), True)


@pytest.mark.parametrize(
    ("name", "core"),
    [
        pytest.param("Bank of America", ("bank", "of", "america"), id="place-after-of-is-the-name"),
        pytest.param("Banco de Chile", ("banco", "de", "chile"), id="place-after-de-is-the-name"),
        pytest.param("Deutsche Telekom", ("deutsche", "telekom"), id="adjectives-are-not-places"),
        pytest.param("Singapore Airlines", ("singapore", "airlines"), id="place-in-front-stays"),
        pytest.param("Deutschland", ("deutschland",), id="the-last-word-stays"),
        pytest.param("Acme Pacific", ("acme", "pacific"), id="ocean-words-are-brand-words"),
        pytest.param("Acme", ("acme",), id="no-qualifier"),
    ],
)
def test_a_name_without_a_qualifier_is_kept_whole(name, core):
    assert name_location(name) == (core, frozenset(), False)
