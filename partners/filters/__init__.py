"""FilterSets of the partners app, each shared by a list page and its API list."""
