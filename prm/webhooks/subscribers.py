"""Event subscribers of prm.webhooks (imported at start-up by prm.apps)."""
