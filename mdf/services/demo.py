"""The demo tenant's market development funds (filled in below)."""


def seed_mdf(tenant, admin) -> None:
    return None
