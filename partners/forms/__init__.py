"""Forms of the partners app, one module per area: directory and profile, recruitment, onboarding, agreements."""
