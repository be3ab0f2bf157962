"""Demo partner costs: filled in a later step."""


def seed_costs(tenant, admin) -> None:
    return None
