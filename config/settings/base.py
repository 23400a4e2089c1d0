"""Settings shared by every environment.

Every outside service is chosen here, once, from environment variables (see the
Configuration table in shared/contracts/http-api.md). The embedded default needs
none of them: SQLite, the database search engine, the local Stripe emulator.
"""

import os
from pathlib import Path

import dj_database_url

from config.formats import ADMIN_DATE_FORMAT, ADMIN_DATETIME_FORMAT

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core ----------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "tourism",
    "tourism.trips",
    "marketplace",
    "marketplace.payments",
    "marketplace.orders",
    "marketplace.reviews",
    "marketplace.shipping",
    "search",
    "demo",  # manage.py load_demo only
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Names on a page's response what its visits count for (tourism.sharing), inside the page cache
    # so a stored page keeps it: a visit through a shared link served from the cache is counted too.
    "tourism.sharing.ShareTargetMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Every template of the site lives in site/templates/<app>/ (bakerydemo-style);
        # APP_DIRS stays on for Wagtail's and Django's own admin templates.
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "tourism.context_processors.site_chrome",
                "marketplace.orders.context_processors.cart",
                "config.fragment_cache.fragment_cache",  # for {% cache %} (config/fragment_cache.py)
                "config.page_cache.csrf_token_noted",  # Django's csrf_token, noted for the page cache
            ],
            # Wagtail's image tags with a placeholder while the worker makes a size (config/image_tags.py).
            "libraries": {"wagtailimages_tags": "config.image_tags"},
        },
    },
]
# templates.W003 warns that a library name has two modules: the override above, on purpose.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

# --- Database -----------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# DATABASE_URL switches to PostgreSQL; without it, a SQLite file in the project.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Connections kept by each thread between requests (DB_CONN_MAX_AGE seconds; 0 connects for
# every request): opening one costs ~2 ms of a request on SQLite (the file, WAL, Django's SQL
# functions) and a round trip and authentication on PostgreSQL, more than a cached page or a
# search takes. A kept connection is checked before a request reuses it (health checks).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the site read while an import or the emulator's webhook writes;
    # the timeout waits for a lock instead of failing a request at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A form refused as a possible forgery (an old page, cookies blocked) says so in the site's words.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# --- Cache --------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Forgiving (config/redis_cache.py): Redis refused or hung costs pages half a second, never a 500.
    CACHES = {"default": {"BACKEND": "config.redis_cache.SavingsRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# --- Languages and time -------------------------------------------------------
# https://docs.wagtail.org/en/stable/advanced_topics/i18n.html
# Indonesian first, English second; URLs carry the language (/id/..., /en/...).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Kabupaten Banjar is in WITA (UTC+8); events are entered and shown in it.
TIME_ZONE = "Asia/Makassar"

# --- Static and media ---------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/static-files/
# CSS, JS and fonts come from site/static/ only: no CDN, so pages work on a flaky connection.
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Files that are not public yet (visitors' photos waiting for moderation): a folder
# outside MEDIA_ROOT, which MEDIA_URL never serves; staff see them through a view that
# checks their permission (tourism.wagtail_hooks).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "config.media.PrivateFileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# S3-compatible object storage (django-storages), for several web machines: every upload,
# rendition and share image goes to AWS_STORAGE_BUCKET_NAME, which must be readable by
# anyone (a bucket policy granting s3:GetObject to "*"): pages link to it directly, with no
# signature, so URLs are stable and a CDN (AWS_S3_CUSTOM_DOMAIN) can cache them. What is
# not public yet goes to AWS_PRIVATE_BUCKET_NAME, readable only through signed URLs that
# expire in five minutes. Keys may be left unset where boto3 finds credentials itself (an
# instance role). https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_PRIVATE_BUCKET_NAME = os.environ.get("AWS_PRIVATE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "")
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "")
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "")
# Seconds to connect and to wait for each answer, two attempts: a store that hangs costs an
# uploader seconds, not a minute (botocore's defaults are 60 s and several retries).
AWS_S3_TIMEOUT = float(os.environ.get("AWS_S3_TIMEOUT", "3"))


def s3_storage(*, bucket: str, public: bool, location: str = "") -> dict:
    """A STORAGES entry for one bucket: public files by plain URL, private ones by signed URL.

    Plain values only (config.media.BucketStorage builds botocore's client settings from
    `timeout`), so the entry can be handed to another process as JSON.
    """
    return {"BACKEND": "config.media.BucketStorage", "OPTIONS": {
        "bucket_name": bucket,
        "location": location,
        "endpoint_url": AWS_S3_ENDPOINT_URL or None,
        "region_name": AWS_S3_REGION_NAME or None,
        "timeout": AWS_S3_TIMEOUT,
        "signature_version": "s3v4",
        # Path-style URLs for S3-compatible servers (SeaweedFS, MinIO): no DNS per bucket.
        "addressing_style": "path" if AWS_S3_ENDPOINT_URL else "virtual",
        # Two photos called IMG_0001.jpg must not overwrite each other.
        "file_overwrite": False,
        "querystring_auth": not public,
        "querystring_expire": 300,
        "custom_domain": (AWS_S3_CUSTOM_DOMAIN or None) if public else None,
        # Stored names never change content (uploads get a free name, renditions and share
        # images carry a hash), so browsers and a CDN may keep them.
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable" if public else "private, no-store"},
    }}


if AWS_STORAGE_BUCKET_NAME:
    from django.core.exceptions import ImproperlyConfigured

    if not AWS_PRIVATE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is public; set AWS_PRIVATE_BUCKET_NAME too, a bucket nobody can "
            "read without a signature, for visitors' photos waiting for moderation.")
    STORAGES["default"] = s3_storage(bucket=AWS_STORAGE_BUCKET_NAME, public=True)
    STORAGES["private"] = s3_storage(bucket=AWS_PRIVATE_BUCKET_NAME, public=False)
# Wagtail's page editor can post many fields for a long StreamField.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Email --------------------------------------------------------------------
# Console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Gebrak Banjar <noreply@banjarkab.go.id>")

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Gebrak Banjar"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt", "xlsx"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: the admin asks nothing of another host, and editors' email
# hashes go nowhere (issue 13). Wagtail then shows its own default avatar or an uploaded one.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Uploads through the site's forms (config/photos.py): a JPEG is decoded at a reduced scale and
# stored at most this long on its long side; no photo is decoded at more than 16 megapixels (a PNG
# or WebP above is refused); the photos of one request together at most 64 (docs/decisions.md).
PHOTO_MAX_STORED_SIDE = 2000
PHOTO_MAX_DECODED_PIXELS = 16_000_000
PHOTO_REQUEST_PIXEL_BUDGET = 64_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"jpeg": "webp", "png": "webp", "gif": "webp", "bmp": "webp"}
# Wagtail's image form, which refuses a damaged or truncated file with a message (config/library_images.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "config.library_images.LibraryImageForm"
# The admin's date fields as Indonesians write dates; both admin languages read them back
# (config/formats). The admin speaks the site's two languages only: another language's formats
# would not read these back.
WAGTAIL_DATE_FORMAT = ADMIN_DATE_FORMAT
WAGTAIL_DATETIME_FORMAT = ADMIN_DATETIME_FORMAT
FORMAT_MODULE_PATH = ["config.formats"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Wagtail's database backend (the admin's search boxes), safe on SQLite for a word with a double
# quote in it (config/admin_search_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "config.admin_search_backend"}}

# --- Search (our own engines: search/) -----------------------------------------
# Unset: the database engine answers. A comma list of node URLs switches on Elasticsearch.
ELASTICSEARCH_URLS = env_list("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "gebrak")
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "2"))

# --- Payments -----------------------------------------------------------------
# Stripe once all three are set. Without them checkout is switched off (the site says so)
# and `check --deploy` names what is missing (payments.E001); only dev.py and test.py let
# the local emulator stand in, so production can never take a payment it did not get.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
STRIPE_EMULATOR = False
STRIPE_CONNECT_ENABLED = env_bool("STRIPE_CONNECT_ENABLED", False)
PLATFORM_FEE_PERCENT = os.environ.get("PLATFORM_FEE_PERCENT", "5")
STOCK_RESERVATION_MINUTES = int(os.environ.get("STOCK_RESERVATION_MINUTES", "30"))

# --- Background tasks ---------------------------------------------------------
# https://github.com/RealOrangeOne/django-tasks and .../django-tasks-db
# Emails, Stripe's events, refunds, Connect transfers, the periodic sweeps and Wagtail's own
# tasks (reference index, image focal points) leave the request: each is a row in the database
# (django-tasks-db), run by `manage.py tasks_worker`, which `make run` starts beside the site and
# production runs as a service of its own. On PostgreSQL several workers share the table (rows
# are taken with SELECT ... FOR UPDATE SKIP LOCKED). Why the database and not Redis:
# docs/decisions.md, "Background tasks" (issue 12).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its tasks (search and reference indexing) inline and logs each one.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # The Elasticsearch client logs every request at INFO.
        "elastic_transport": {"level": "WARNING"},
        # So does the Stripe client ("message='Request to Stripe api'"); its failures are warnings and errors.
        "stripe": {"level": "WARNING"},
    },
}

# --- Security and the page cache (docs/decisions.md "Security and reliability") ----
# Kept together at the end so the lists above stay readable; each line says why.
INSTALLED_APPS += [  # noqa: F405
    "config.apps.SiteWideConfig",  # page cache purge and publish-time renditions
    "axes",  # sign-in lock-out
    "csp",  # Content-Security-Policy header
]
_after_static = MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
MIDDLEWARE[_after_static:_after_static] = [
    # Platforms' click ids and others' utm_* are read as absent, before the page cache keys on the query.
    "config.tracking.TrackingParametersMiddleware",
    # Counts visits through shared links and the shop visits after them (no personal data; honours
    # DNT): outside the page cache, so an arrival is served the stored page and still counted.
    "tourism.sharing.ShareArrivalMiddleware",
    # Before sessions: a cached page costs no session or database access.
    "config.page_cache.PageCacheMiddleware",
    # Inside the page cache, so a stored page keeps the header it was served with.
    "config.security.ContentSecurityPolicyMiddleware",
    # Inside the page cache too: a hit needs no site.
    "config.middleware.SiteLookupMiddleware",
]
MIDDLEWARE += [
    # Remembers, in a cookie, the accounts a browser has signed in to (config/sign_in.py).
    "config.sign_in.KnownDeviceMiddleware",
    # Last, as django-axes asks: it turns a lock-out noticed during sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# Both sign-in forms (Wagtail admin, /toko/masuk/) call authenticate() with the request,
# so the standalone backend sees every attempt.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# A quarter of an hour: long enough to make guessing useless, short enough for a
# forgetful artisan. Per account *and* address, so nobody can lock an artisan out of
# their own phone by failing on purpose from elsewhere.
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.sign_in.lockout_response"
# Axes' database handler plus a count per address across accounts (config/sign_in.py):
# 20 failures within 15 minutes, four accounts' worth, lock the address for 15 minutes,
# except for browsers that have signed in to the account tried before. Many people share
# one address (a campus, a mobile carrier's CGNAT), hence the larger number and the exception.
AXES_HANDLER = "config.sign_in.SignInLockHandler"
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "20"))
SIGN_IN_ADDRESS_WINDOW_MINUTES = 15
SIGN_IN_ADDRESS_LOCK_MINUTES = 15
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_ip"
AXES_VERBOSE = False
# How many proxies (CDN, load balancer) stand in front of the site and append to
# X-Forwarded-For; 0 trusts only the connection's own address. Read by
# config.client_address.client_ip, which every lock-out and rate limit keys on.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# https://django-csp.readthedocs.io/en/latest/configuration.html
# No inline script anywhere (JSON-LD is data, not script). Styles may use the style
# attribute (colour swatches, Leaflet's positions) but no <style> element from elsewhere.
# The Wagtail admin is left out: it needs inline scripts and styles of its own.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        # Map tiles are the one outside resource (DESIGN.md); data: for Leaflet's icons.
        "img-src": [SELF, "data:", "blob:", "https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}


def media_origin() -> str:
    """Where pages load uploaded pictures from when they live in a bucket (for img-src)."""
    from urllib.parse import urlsplit

    if AWS_S3_CUSTOM_DOMAIN:
        return f"https://{AWS_S3_CUSTOM_DOMAIN}"
    if AWS_S3_ENDPOINT_URL:
        parts = urlsplit(AWS_S3_ENDPOINT_URL)
        return f"{parts.scheme}://{parts.netloc}"
    # Amazon S3 itself: the bucket's own host name, global or regional.
    regional = f" https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com" if AWS_S3_REGION_NAME else ""
    return f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com{regional}"


if AWS_STORAGE_BUCKET_NAME:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += media_origin().split()

# Whole pages for anonymous visitors (config/page_cache.py); 0 turns it off. Never
# with DEBUG, where templates change under the developer's hands.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_ALIAS = "pages"
# Where a visit through a shared link is noted (signed; channel and campaign, never who), for the shop
# visit after it (tourism.sharing). No page reads it, so the page cache serves its holders.
SHARE_ARRIVAL_COOKIE_NAME = "gebrak_share"
PAGE_CACHE_IGNORED_COOKIES = [SHARE_ARRIVAL_COOKIE_NAME]
# Shared by every worker process, so a publish purges them all: Redis when there is
# one, else a folder on the local disk (a file read is still far cheaper than a render).
CACHES["pages"] = (  # noqa: F405
    {"BACKEND": "config.redis_cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
     "KEY_PREFIX": "pages"} if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
     "LOCATION": os.environ.get("PAGE_CACHE_DIR", str(BASE_DIR / "var" / "page-cache")),
     "OPTIONS": {"MAX_ENTRIES": 5000}}
)
# Rendered pieces of pages (config/fragment_cache.py) for the visitors the page cache
# cannot serve (a cart, signed in, a listing's filters); purged with it; 0 turns it off.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "300"))
FRAGMENT_CACHE_ALIAS = "fragments"
# In each process's memory without Redis: a fragment is found by the shared generation,
# so a stale one is never read, only left to age out.
CACHES["fragments"] = (  # noqa: F405
    {"BACKEND": "config.fragment_cache.TaggedRedisCache", "LOCATION": REDIS_URL,
     "KEY_PREFIX": "fragments"} if REDIS_URL else
    {"BACKEND": "config.fragment_cache.TaggedLocMemCache", "LOCATION": "fragments",
     "OPTIONS": {"MAX_ENTRIES": 3000}}
)
# Where `{% cache %}` looks when fragments are off for a request (DEBUG, a preview): nothing.
CACHES["no-fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}  # noqa: F405
# bench/run.py's production-like server adds /bench/bare, the do-nothing view it measures pages against.
if env_bool("BENCH", False):
    ROOT_URLCONF = "config.bench_urls"
