"""Shared builders, constants and sample paths of the tests (import, don't copy).

Test modules and ``conftest.py`` files import from here, never from one another:

- :mod:`tests.helpers.samples`: paths of the bundled samples (``sample_tracks/``,
  ``sample_data/``) and the names of the checks;
- :mod:`tests.helpers.db`: test databases on SQLite and PostgreSQL, teams, API keys;
- :mod:`tests.helpers.service`: request bodies and readings of the tracking service
  (points, task lists, stores, small built days);
- :mod:`tests.helpers.assess`: hand-built assessment rows and datasets (no service);
- :mod:`tests.helpers.assess_service`: the assessment in the service (sample import,
  keys, clients);
- :mod:`tests.helpers.scorecards`: the sample city's marketing data and scorecard CLI;
- :mod:`tests.helpers.week`: a generated week with a recurring breakfast place (issue 17).

Hand-built tracks for unit tests live in :mod:`tests.tracks`.
"""
