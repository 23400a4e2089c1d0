"""The production WSGI application plus the uploads (/media/), for bench/production_site.py.

In production the uploads come from object storage or the web server in front (DESIGN.md:
"several gunicorn/granian workers behind a CDN"), never from Django. The browser
measurements need the pictures a visitor would get, so here WhiteNoise serves MEDIA_ROOT
as a static server would (the demo's renditions exist before the server starts: they
are made at publish).
"""

from django.conf import settings
from whitenoise import WhiteNoise

from config.wsgi import application as site

application = WhiteNoise(site)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
