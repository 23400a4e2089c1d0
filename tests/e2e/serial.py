"""One request at a time, for the live server on SQLite's in-memory test database.

There the live server's worker threads and the test itself share one SQLite
connection (Django hands it to every thread: an in-memory database lives only
inside its connection). SQLite cannot run two threads' transactions on one
connection, and the journeys do run things at once: the browser fetches pictures
in parallel, and localstripe posts its webhooks whenever it likes. So on SQLite
the live server's application is wrapped to take this lock for each request
(the handler and its middleware were built when the server started, so a
middleware added in settings now would never run), and the test takes it too
when it reads the database while the site is live (`Site.database()`).
PostgreSQL needs none of it: each thread has its own connection there.
"""

import threading

LOCK = threading.RLock()


def one_request_at_a_time(application):
    def locked(environ, start_response):
        with LOCK:
            response = application(environ, start_response)
            try:
                return list(response)  # the whole body, while the lock is held
            finally:
                if hasattr(response, "close"):
                    response.close()

    return locked
