"""The production WSGI application plus the uploads (/media/), for bench/production_site.py.

In production the uploads come from object storage or the web server in front (DESIGN.md:
"several gunicorn/granian workers behind a CDN"), never from Django. The browser
measurements need the pictures a visitor would get, so here WhiteNoise serves MEDIA_ROOT
as a static server would. It looks for new files on each request (autorefresh): a rendition
can still be made during a page view (imported product photos get none at import; see
docs/decisions.md, "End-to-end"), and it must be served like the others.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from config.wsgi import application as site

application = WhiteNoise(site, autorefresh=True)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL)
