"""Security a visitor or an attacker would notice: sign-in lock-out, the Content
Security Policy, production's cookies and HSTS."""

import re

import pytest

from tests.marketplace.factories import UserFactory
from tourism.roles import EDITORS

pytestmark = pytest.mark.django_db

PASSWORD = "sasirangan-rahasia-1"


def _fail(client, url, username, times):
    return [client.post(url, {"username": username, "password": "tebakan-salah"}).status_code for _ in range(times)]


def test_artisan_sign_in_locks_after_five_failures_with_a_clear_message(client, settings, axes_on):
    artisan = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    assert _fail(client, "/toko/masuk/", artisan.email, settings.AXES_FAILURE_LIMIT - 1) == [400] * 4
    locked = client.post("/toko/masuk/", {"username": artisan.email, "password": "tebakan-salah"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Terlalu banyak percobaan masuk yang gagal" in page
    assert "15 menit" in page
    assert 'href="/toko/lupa-sandi/"' in page
    assert locked["Retry-After"] == "900"
    # Locked means locked: even the right password is refused now, and nobody is signed in.
    right = client.post("/toko/masuk/", {"username": artisan.email, "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lock_out_is_per_account_and_address(client, settings, axes_on):
    aminah = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    other = UserFactory(email="siti@contoh.id", username="siti@contoh.id")
    _fail(client, "/toko/masuk/", aminah.email, settings.AXES_FAILURE_LIMIT)
    # Another artisan on the same network still signs in ...
    response = client.post("/toko/masuk/", {"username": other.email, "password": PASSWORD})
    assert response.status_code == 302
    # ... and so does Aminah from her own phone while someone fails from elsewhere.
    client.logout()
    response = client.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD},
                           REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, settings, axes_on):
    artisan = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    _fail(client, "/toko/masuk/", artisan.email, settings.AXES_FAILURE_LIMIT - 1)
    assert client.post("/toko/masuk/", {"username": artisan.email, "password": PASSWORD}).status_code == 302
    client.logout()
    assert _fail(client, "/toko/masuk/", artisan.email, settings.AXES_FAILURE_LIMIT - 1) == [400] * 4


def test_wagtail_admin_sign_in_locks_too(client, settings, axes_on):
    UserFactory(email="editor@banjarkab.go.id", username="editor", is_staff=True, is_superuser=True)
    statuses = _fail(client, "/admin/login/", "editor", settings.AXES_FAILURE_LIMIT)
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_a_forwarded_address_is_trusted_only_from_a_known_proxy(client, settings, axes_on):
    artisan = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    # No proxy configured: a visitor cannot dodge the lock by inventing X-Forwarded-For.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/toko/masuk/", {"username": artisan.email, "password": "x"},
                               HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    assert response.status_code == 429


# --- One address across many accounts (issue 13, finding 4) ----------------------------------

def _spray(client, url, count, **extra):
    """One wrong password for each of `count` accounts, most of which do not exist."""
    return [client.post(url, {"username": f"tebak{n}@contoh.id", "password": "tebakan-salah"}, **extra).status_code
            for n in range(count)]


def test_one_address_trying_many_accounts_is_locked(client, settings, axes_on):
    aminah = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    UserFactory(email="editor@banjarkab.go.id", username="editor", is_staff=True, is_superuser=True)
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    # Several people behind one address may each use up their own account's allowance first.
    assert limit >= 4 * settings.AXES_FAILURE_LIMIT
    statuses = _spray(client, "/toko/masuk/", limit)
    assert statuses == [400] * (limit - 1) + [429]
    locked = client.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session  # the right password gets nobody in either
    assert "Terlalu banyak percobaan masuk yang gagal dari jaringan Anda" in locked.text
    assert "15 menit" in locked.text
    assert "lupa-sandi" not in locked.text  # a new password would not help: the address is locked
    assert 895 <= int(locked["Retry-After"]) <= 900
    # Every sign-in form, in the reader's language on the admin.
    admin = client.post("/admin/login/", {"username": "editor", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert admin.status_code == 429
    assert "Too many failed sign-in attempts from your network" in admin.text
    buyer = client.post("/id/kampung-sasirangan/akun/masuk/", {"username": aminah.email, "password": PASSWORD})
    assert buyer.status_code == 429
    # Another address is not concerned.
    other = client.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD}, REMOTE_ADDR="10.20.30.40")
    assert other.status_code == 302


def test_failures_on_every_form_add_up(client, settings, axes_on):
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    half = limit // 2
    _spray(client, "/toko/masuk/", half)
    statuses = [client.post("/admin/login/", {"username": f"editor{n}", "password": "x"}).status_code
                for n in range(limit - half)]
    assert statuses[-1] == 429


def test_a_browser_that_signed_in_before_is_not_locked_out_by_strangers(client, settings, axes_on):
    """Behind a campus network or a carrier's CGNAT, the owner keeps signing in from their
    own phone while someone else on the same address sprays passwords."""
    from django.test import Client

    aminah = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    siti = UserFactory(email="siti@contoh.id", username="siti@contoh.id")
    assert client.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD}).status_code == 302
    client.post("/toko/keluar/")
    stranger = Client()
    assert _spray(stranger, "/toko/masuk/", settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)[-1] == 429
    # Aminah's phone: in.
    assert client.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD}).status_code == 302
    client.post("/toko/keluar/")
    # Her phone vouches for her account only, and the stranger cannot use her password from theirs.
    assert client.post("/toko/masuk/", {"username": siti.email, "password": PASSWORD}).status_code == 429
    assert stranger.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD}).status_code == 429
    # Her phone still gets only the per-account allowance for guesses at her account.
    statuses = _fail(client, "/toko/masuk/", aminah.email, settings.AXES_FAILURE_LIMIT)
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def test_a_success_does_not_clear_the_address_count(client, settings, axes_on):
    """A guesser with an account of their own cannot reset the count by signing in to it."""
    own = UserFactory(email="penebak@contoh.id", username="penebak@contoh.id")
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    _spray(client, "/toko/masuk/", limit - 1)
    client.post("/toko/masuk/", {"username": own.email, "password": PASSWORD})
    client.post("/toko/keluar/")
    assert client.post("/toko/masuk/", {"username": "lain@contoh.id", "password": "x"}).status_code == 429


def test_behind_a_proxy_the_address_lock_follows_the_visitor(client, settings, axes_on):
    settings.TRUSTED_PROXY_COUNT = 1
    aminah = UserFactory(email="aminah@contoh.id", username="aminah@contoh.id")
    through_cdn = {"REMOTE_ADDR": "10.0.0.2"}
    statuses = _spray(client, "/toko/masuk/", settings.SIGN_IN_ADDRESS_FAILURE_LIMIT,
                      HTTP_X_FORWARDED_FOR="198.51.100.1", **through_cdn)
    assert statuses[-1] == 429
    response = client.post("/toko/masuk/", {"username": aminah.email, "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.2", **through_cdn)
    assert response.status_code == 302


# --- Content Security Policy -------------------------------------------------------------

def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_public_pages_forbid_inline_scripts(client, home_page):
    response = client.get("/id/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    # And the page has none: every <script> has a src or carries data (JSON-LD).
    for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
        assert "src=" in tag or 'type="application/ld+json"' in tag or 'type="application/json"' in tag, tag


def test_the_payment_form_may_load_stripe_js_from_where_the_client_talks(client, home_page, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    policy = _policy(client.get("/id/"))
    assert "http://127.0.0.1:8420" in policy["script-src"]
    assert "http://127.0.0.1:8420" in policy["frame-src"]
    settings.STRIPE_SECRET_KEY = "sk_live_example"
    settings.STRIPE_API_BASE = ""
    policy = _policy(client.get("/id/"))
    assert "https://js.stripe.com" in policy["script-src"]
    assert "https://api.stripe.com" in policy["connect-src"]
    assert "http://127.0.0.1:8420" not in policy["script-src"]


def test_the_wagtail_admin_is_left_out_of_the_policy(client):
    assert "Content-Security-Policy" not in client.get("/admin/login/")


def test_the_artisans_dashboard_is_covered(client):
    assert "'unsafe-inline'" not in _policy(client.get("/toko/masuk/"))["script-src"]


# --- The admin asks nothing of other hosts (issue 13, finding 7) -------------------------------

# Attributes that make a browser fetch something as the page loads (links a person clicks do not).
_LOADING_ATTRIBUTES = ("src", "srcset", "data", "poster")


def _outside_loads(html: str) -> list[str]:
    """URLs on another host that the page would load: img/script/iframe/source/... sources,
    <link> hrefs (stylesheets, icons) and url(...) in style attributes. data: URIs and the
    site's own (relative or testserver) addresses are fine."""
    from urllib.parse import urlsplit

    from bs4 import BeautifulSoup

    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        urls = [tag.get(name) for name in _LOADING_ATTRIBUTES if tag.get(name)]
        if tag.name == "link" and tag.get("href"):
            urls.append(tag["href"])
        urls += re.findall(r"url\(['\"]?([^'\")]+)", tag.get("style") or "")
        for value in urls:
            for url in [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in tag.attrs else [value]:
                host = urlsplit(url.strip()).hostname
                if not url.startswith("data:") and host not in (None, "testserver"):
                    found.append(f"<{tag.name}> {url}")
    return found


def test_the_admin_pages_an_editor_sees_load_nothing_from_other_hosts(client, home_page):
    """No Gravatar (or any other outside host): editors' email hashes go nowhere, and the admin
    works on the regency's network whatever it lets through."""
    from django.contrib.auth.models import Group
    from wagtail.models import Locale

    from tourism.models import DestinationIndexPage

    editor = UserFactory(username="editor-uji", email="editor@banjarkab.go.id", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    index = DestinationIndexPage.objects.get(locale=Locale.get_default())
    pages = ["/admin/", f"/admin/pages/{home_page.pk}/edit/", f"/admin/pages/{index.pk}/",
             f"/admin/pages/add/tourism/destinationpage/{index.pk}/", "/admin/account/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _outside_loads(response.text) == [], url


# --- Production -----------------------------------------------------------------------------

def test_production_cookies_are_secure_and_hsts_is_on():
    from tests.config.test_settings import run_django

    env = {"SECRET_KEY": "k3y-" + "a1b2c3d4e5" * 6, "ALLOWED_HOSTS": "gebrak.banjarkab.go.id"}
    code = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)")
    result = run_django("config.settings.production", env, "shell", "-c", code)
    assert result.stdout.splitlines()[-1].split() == ["True", "True", "True", "True", "True", "True", "False"], (
        result.stdout + result.stderr)

# HSTS on a response and the redirect of plain HTTP, with production's own settings rather than
# values set here: tests/reliability/test_deploy.py.
