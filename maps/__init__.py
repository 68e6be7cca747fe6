"""trajcheck: maps."""
