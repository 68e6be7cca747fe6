"""The ``trajcheck`` command line: one module per command group, assembled by
:mod:`api.cli.main`.  May import every package of ours (it composes them)."""
