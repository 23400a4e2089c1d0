"""Sign-in lock-outs: per account and address (django-axes), and per address across accounts.

Every sign-in form (the Wagtail admin, the artisans' /toko/masuk/, the buyers' account
page, Django's admin) goes through django.contrib.auth.authenticate with the request, so
django-axes sees every attempt. Axes locks one account from one address after
AXES_FAILURE_LIMIT failures. That alone lets one address spray: a few passwords on each of
many accounts. So `SignInLockHandler` (settings.AXES_HANDLER) also counts the failures of
an address across all accounts, in the cache (shared by every worker through Redis);
SIGN_IN_ADDRESS_FAILURE_LIMIT of them within SIGN_IN_ADDRESS_WINDOW_MINUTES lock the
address for SIGN_IN_ADDRESS_LOCK_MINUTES.

One address is often many people: a campus, an office, a mobile carrier's CGNAT. So the
address limit is several times the account limit; a success does not clear it (a guesser
with one account of their own could clear it at will); and a browser that has signed in
to an account before carries a signed cookie naming that account (a device cookie, OWASP's
answer to the same problem). While its address is locked, such a browser may still sign
in to that account, under the per-account limit as before; only browsers the account
has never signed in from wait.
"""

from __future__ import annotations

import math
import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from config.client_address import client_key

ACCOUNT_LOCK = "account"
ADDRESS_LOCK = "address"
DEVICE_COOKIE = "gebrak_device"
DEVICE_COOKIE_SALT = "gebrak.sign-in-device"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
# A shared phone or laptop remembers this many accounts, the latest first.
DEVICE_COOKIE_ACCOUNTS = 5


# --- Failures of one address, across accounts ----------------------------------------------

def _address_keys(request) -> tuple[str, str]:
    address = client_key(request)
    return f"gebrak:sign-in:{address}:failures", f"gebrak:sign-in:{address}:locked-until"


def address_lock_seconds(request) -> int:
    """How long sign-in from this request's address stays locked; 0 when it is not."""
    locked_until = cache.get(_address_keys(request)[1])
    return max(0, math.ceil(locked_until - time.time())) if locked_until else 0


def address_failure_record(request) -> None:
    """Count one failed sign-in from this address; lock the address at the limit.

    The window opens with the first failure, and locking closes it: once the lock ends
    the address starts from nothing.
    """
    failures_key, locked_key = _address_keys(request)
    window = settings.SIGN_IN_ADDRESS_WINDOW_MINUTES * 60
    if cache.add(failures_key, 1, timeout=window):
        failures = 1
    else:
        try:
            failures = cache.incr(failures_key)
        except ValueError:  # the window ended between add and incr
            cache.set(failures_key, 1, timeout=window)
            failures = 1
    if failures >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
        lock = settings.SIGN_IN_ADDRESS_LOCK_MINUTES * 60
        cache.set(locked_key, time.time() + lock, timeout=lock)
        cache.delete(failures_key)


# --- Browsers that have signed in before -----------------------------------------------

def _account_mark(identifier: str) -> str:
    return salted_hmac(DEVICE_COOKIE_SALT, identifier.strip().casefold()).hexdigest()[:16]


def _device_marks(request) -> list[str]:
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT,
                                      max_age=DEVICE_COOKIE_MAX_AGE)
    return [mark for mark in value.split(".") if mark]


def device_knows(request, username: str | None) -> bool:
    """This browser has signed in to the account named `username` before."""
    return bool(username) and _account_mark(username) in _device_marks(request)


def device_remember(request, user) -> None:
    """After a sign-in: remember the account (by username and by email, the two names
    the sign-in forms take) for `KnownDeviceMiddleware` to write into the cookie."""
    marks = [_account_mark(name) for name in (user.get_username(), getattr(user, "email", "")) if name]
    older = [mark for mark in _device_marks(request) if mark not in marks]
    request.sign_in_device_marks = (marks + older)[: DEVICE_COOKIE_ACCOUNTS * 2]


class KnownDeviceMiddleware:
    """Writes the device cookie on the response of a successful sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marks = getattr(request, "sign_in_device_marks", None)
        if marks:
            response.set_signed_cookie(DEVICE_COOKIE, ".".join(marks), salt=DEVICE_COOKIE_SALT,
                                       max_age=DEVICE_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                                       secure=settings.SESSION_COOKIE_SECURE)
        return response


# --- The axes handler ------------------------------------------------------------------

class SignInLockHandler(AxesDatabaseHandler):
    """django-axes' database handler (per account and address), plus the address lock.

    `request.sign_in_lock` says which lock refused the attempt, for the lock-out page.
    """

    def is_locked(self, request, credentials=None) -> bool:
        request.sign_in_lock = None
        if super().is_locked(request, credentials):
            request.sign_in_lock = ACCOUNT_LOCK
        elif address_lock_seconds(request) and not device_knows(request, get_client_username(request, credentials)):
            request.sign_in_lock = ADDRESS_LOCK
        return request.sign_in_lock is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refused_by = getattr(request, "sign_in_lock", None)
        if refused_by == ADDRESS_LOCK:
            # Refused before any password was checked: nothing to count against the account.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_by == ACCOUNT_LOCK:
            return
        address_failure_record(request)
        if address_lock_seconds(request) and not device_knows(request, get_client_username(request, credentials)):
            request.sign_in_lock = ADDRESS_LOCK
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        # Clears this account's count from this address (AXES_RESET_ON_SUCCESS), never the
        # address's count: that one is everyone's behind the address.
        super().user_logged_in(sender, request, user, **kwargs)
        device_remember(request, user)


# --- The lock-out page -------------------------------------------------------------------

def lockout_response(request, original_response=None, credentials=None):
    """429 with a message a person understands, in the language of where they tried.

    The artisans' dashboard is Indonesian whatever the browser asks; the Wagtail
    admin and the rest follow the request's language.
    """
    on_dashboard = request.path.startswith("/toko/")
    language = "id" if on_dashboard else (translation.get_language() or "id")
    if getattr(request, "sign_in_lock", None) == ADDRESS_LOCK:
        seconds = address_lock_seconds(request) or settings.SIGN_IN_ADDRESS_LOCK_MINUTES * 60
    else:
        seconds = int(get_cool_off(request).total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    with translation.override(language):
        if getattr(request, "sign_in_lock", None) == ADDRESS_LOCK:
            # A password reset would not help: the address is locked, not the account.
            message, reset_url = _(
                "Terlalu banyak percobaan masuk yang gagal dari jaringan Anda, ke berbagai akun. Demi "
                "keamanan, masuk dari jaringan ini dikunci selama %(minutes)s menit, kecuali dari "
                "perangkat yang pernah Anda pakai untuk masuk ke akun Anda."), ""
        else:
            message = _("Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, masuk dengan "
                        "akun ini dari perangkat Anda dikunci selama %(minutes)s menit.")
            reset_url = "/toko/lupa-sandi/" if on_dashboard else ""
        response = render(request, "security/locked_out.html", {
            "minutes": minutes, "reset_url": reset_url, "message": message % {"minutes": minutes},
        }, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
