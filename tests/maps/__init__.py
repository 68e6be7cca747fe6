"""Tests of the map reports (maps/)."""
