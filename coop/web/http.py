"""Response hygiene for every page: security headers, no caching of private pages, gzip."""
from __future__ import annotations

import gzip

from flask import Flask, g, request
from flask_login import AnonymousUserMixin

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
COMPRESSIBLE = ("text/html", "text/css", "application/json", "application/problem+json", "text/csv",
                "application/javascript", "text/javascript", "image/svg+xml")


def _someone_logged_in() -> bool:
    # Runs after the boundary committed: asking current_user.is_authenticated would reload the user in a
    # second transaction. Whoever the request loaded is already in g.
    user = g.get("_login_user")
    return user is not None and not isinstance(user, AnonymousUserMixin)


def register(app: Flask) -> None:
    @app.after_request
    def harden(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _someone_logged_in() and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.after_request
    def remember_language(response):
        """?lang=fil (the footer's links) sticks for the next pages, logged in or not."""
        chosen = request.args.get("lang")
        if chosen in ("en", "fil") and request.cookies.get("lang") != chosen:
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                                secure=app.config["SESSION_COOKIE_SECURE"])
        return response

    @app.after_request
    def compress(response):
        if (response.status_code != 200 or "gzip" not in request.headers.get("Accept-Encoding", "")
                or response.mimetype not in COMPRESSIBLE or "Content-Encoding" in response.headers):
            return response
        if response.direct_passthrough:  # a static file: read it, so slow phones get the stylesheet gzipped too
            source = response.response
            response.direct_passthrough = False
            response.set_data(b"".join(source))
            source.close()
        body = response.get_data()
        if len(body) < 512:
            return response
        response.set_data(gzip.compress(body, compresslevel=6))
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}-gzip", weak)  # another body, another tag
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.headers["Content-Length"] = str(len(response.get_data()))
        return response
