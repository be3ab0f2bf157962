"""Pages of the partners app, one module per area: the partner directory and profile, recruitment, onboarding,
agreements."""
