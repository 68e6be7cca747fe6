"""trajcheck: api."""
