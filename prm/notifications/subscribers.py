"""Event subscribers of prm.notifications (imported at start-up by prm.apps)."""
