"""``python -m api.cli``: the ``trajcheck`` command."""

from api.cli.main import main

raise SystemExit(main())
