"""Forms of the enablement pages, one module per area. They parse input; the services decide."""
