"""Pydantic request and response bodies: ``service`` (fixes, stores, tasks, results, keys,
errors), ``result`` (the day result), ``assess`` (the assessment's)."""
