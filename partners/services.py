"""Partner lifecycle use cases arrive with the partner lifecycle issue; the core only reads partners."""
