"""Outbound webhooks: per-tenant endpoints, Standard Webhooks signatures, retries, delivery log."""
