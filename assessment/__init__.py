"""trajcheck: assessment."""
