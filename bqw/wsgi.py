import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bqw.settings")
application = get_wsgi_application()
# Import every app's URLs and views now, not on a worker's first request: gunicorn --preload (bqw serve, the
# bench server) then imports them once in the master, and a restart's first month-end requests do not each
# wait for a worker's imports (seen as 1–5 s requests at the start of a burst).
_urls = get_resolver().reverse_dict  # the URL patterns imported, the reverse table built
