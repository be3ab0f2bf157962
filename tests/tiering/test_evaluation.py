"""The evaluation on known metric values: all/any, the points model (partial points, a pass mark, every category
above zero), the index with bands, and the words that explain a result."""

from decimal import Decimal

import pytest

from tests.tiering.support import CERTIFIED, REVENUE
from tiering.evaluation import Check, CriterionSpec, ProgramSpec, TierSpec, evaluate
from tiering.explain import describe_gap, explain, missing_text
from tiering.metrics import METRICS

D = Decimal


def c(key, threshold, *, op="gte", points=0, category="", cid=None):
    return CriterionSpec(cid, key, op, D(threshold), {}, D(points), category)


def ladder(model):
    return ProgramSpec(
        1,
        model,
        (
            TierSpec(10, "Registered", 0),
            TierSpec(11, "Silver", 1, criteria=(c("revenue", 25000, cid=1), c("certified", 1, cid=2))),
            TierSpec(12, "Gold", 2, criteria=(c("revenue", 100000, cid=3), c("certified", 3, cid=4))),
        ),
    )


def test_all_gives_the_highest_tier_whose_every_condition_holds():
    program = ladder("all")
    assert evaluate(program, {"revenue": D(150000), "certified": D(3)}).qualified.name == "Gold"
    assert evaluate(program, {"revenue": D(150000), "certified": D(2)}).qualified.name == "Silver"
    assert evaluate(program, {"revenue": D(24999), "certified": D(9)}).qualified.name == "Registered"
    assert evaluate(program, {}).qualified.name == "Registered"


def test_any_gives_a_tier_when_one_condition_holds():
    program = ladder("any")
    assert evaluate(program, {"revenue": D(0), "certified": D(3)}).qualified.name == "Gold"
    assert evaluate(program, {"revenue": D(30000), "certified": D(0)}).qualified.name == "Silver"


def test_no_tier_when_even_the_lowest_has_unmet_conditions():
    program = ProgramSpec(1, "all", (TierSpec(10, "Silver", 0, criteria=(c("revenue", 1),)),))
    assert evaluate(program, {"revenue": D(0)}).qualified is None


def points_program():
    # Microsoft's Solutions Partner model: performance 20, skilling 40, customer success 40; 70 to pass.
    return ProgramSpec(
        1,
        "points",
        (
            TierSpec(10, "Member", 0),
            TierSpec(
                11,
                "Solutions Partner",
                1,
                D(70),
                (
                    c("customers", 3, points=20, category="performance"),
                    c("certified", 4, points=40, category="skilling"),
                    c("deployments", 10, points=40, category="customer_success"),
                ),
            ),
        ),
    )


def test_points_give_partial_credit_and_need_the_pass_mark():
    program = points_program()
    # 20 + 40 * 3/4 + 40 * 5/10 = 70: passes exactly.
    result = evaluate(program, {"customers": D(3), "certified": D(3), "deployments": D(5)})
    assert result.qualified.name == "Solutions Partner"
    assert result.score == D("70.00")
    # 20 + 30 + 16 = 66: short of 70.
    result = evaluate(program, {"customers": D(3), "certified": D(3), "deployments": D(4)})
    assert result.qualified.name == "Member"
    assert result.result_for(program.tiers[1]).score == D("66.00")


def test_points_need_every_category_above_zero():
    program = points_program()
    # 20 + 40 + 40 would pass on points, but customer success scored 0 when deployments are 0.
    result = evaluate(program, {"customers": D(9), "certified": D(9), "deployments": D(0)})
    assert result.qualified.name == "Member"
    assert result.result_for(program.tiers[1]).empty_categories == ("customer_success",)


def test_index_bands_unlock_tiers_at_their_lower_bound():
    program = ProgramSpec(
        1,
        "index",
        (TierSpec(10, "Select", 0, D(0)), TierSpec(11, "Premier", 1, D(4)), TierSpec(12, "Gold", 2, D(8))),
        index_criteria=(c("revenue", 100000, points=3), c("certified", 4, points=1)),
    )
    # 10 * (3 * 0.5 + 1 * 0.5) / 4 = 5.0
    result = evaluate(program, {"revenue": D(50000), "certified": D(2)})
    assert result.score == D("5.00") and result.qualified.name == "Premier"
    result = evaluate(program, {"revenue": D(100000), "certified": D(3)})
    assert result.score == D("9.38") and result.qualified.name == "Gold"
    assert evaluate(program, {}).qualified.name == "Select"


def test_operators_where_less_is_better():
    program = ProgramSpec(1, "all", (TierSpec(10, "Good standing", 0, criteria=(c("open_escalations", 2, op="lte"),)),))
    assert evaluate(program, {"open_escalations": D(2)}).qualified is not None
    assert evaluate(program, {"open_escalations": D(3)}).qualified is None


def test_explanation_says_what_is_met_and_what_is_missing_for_the_next_tier(metrics):
    program = ProgramSpec(
        1,
        "all",
        (
            TierSpec(10, "Silver", 0, criteria=(c(REVENUE, 25000), c(CERTIFIED, 1))),
            TierSpec(11, "Gold", 1, criteria=(c(REVENUE, 100000), c(CERTIFIED, 3))),
        ),
    )
    evaluation = evaluate(program, {REVENUE: D(60000), CERTIFIED: D(1)})
    text = explain(program, evaluation, held=evaluation.qualified, currency="USD")
    assert "Qualifies for Silver: won revenue 60,000.00 USD and certified people 1." in text
    assert "To reach Gold: 40,000.00 USD more won revenue and 2 more certified people." in text


def test_what_if_thresholds_change_the_result_without_touching_the_program():
    program = ladder("all")
    values = {"revenue": D(60000), "certified": D(3)}
    assert evaluate(program, values).qualified.name == "Silver"
    lowered = program.with_thresholds({3: D(50000)})
    assert evaluate(lowered, values).qualified.name == "Gold"
    assert program.tiers[2].criteria[0].threshold == D(100000)


@pytest.mark.parametrize(("certified", "text"), [(2, "1 more certified person"), (1, "2 more certified people")])
def test_what_is_missing_takes_the_plural_form_the_number_needs(metrics, certified, text):
    program = ProgramSpec(1, "all", (TierSpec(11, "Gold", 1, criteria=(c(CERTIFIED, 3),)),))
    evaluation = evaluate(program, {CERTIFIED: D(certified)})
    assert missing_text(evaluation.missing_for(program.tiers[0]), "USD") == text


def test_registered_counts_name_what_is_missing_in_the_singular_too():
    checks = {key: Check(CriterionSpec(1, key, "gte", D(3)), D(2), False) for key in METRICS}
    assert describe_gap(checks["won_deals"], "USD") == "1 more won deal"
    assert describe_gap(checks["certified_people"], "USD") == "1 more certified person"
    assert describe_gap(checks["completed_courses"], "USD") == "1 more completed course"
    assert describe_gap(checks["tenure_days"], "USD") == "1 more day in the program"
