"""The ASGI app uvicorn imports (``api.main:app``); settings from the environment."""

from api.app import create_app

app = create_app()
