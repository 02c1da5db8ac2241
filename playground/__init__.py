"""The archplay web application: Django project, HTTP API, websockets and Celery tasks.

It adapts the engine in `simulation/` to the web and holds no simulation logic itself.
"""

from playground.celery import app as celery_app

__all__ = ["celery_app"]
