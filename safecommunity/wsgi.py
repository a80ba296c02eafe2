"""WSGI entry point for production servers (gunicorn, uwsgi, mod_wsgi).

Once the application is loaded, the process is settled (`settle`): the URLconf is read (which
imports every view) and every object then alive is moved out of the garbage collector's reach
with `gc.freeze()`. Those objects live as long as the worker; left in the collector's oldest
generation, a full collection walks all of them again every few requests of a page of hundreds
of rows — 50–80 ms each time for the city office's 400-row dashboard (`bench/city.py`, which
settles its process the same way before it measures)."""

import gc
import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings")


def settle() -> None:
    """Import what the first request would (the URLconf and its views), then freeze every
    object alive: collections then walk only what requests create."""
    from django.conf import settings

    import_module(settings.ROOT_URLCONF)
    gc.freeze()


application = get_wsgi_application()
settle()
