"""Configuration read from the environment, with safe defaults for an embedded install."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance_path: str) -> dict:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'coop.sqlite'}"
    secure_cookies = os.environ.get("COOP_INSECURE_COOKIES") != "1"  # plain http only on a developer's machine
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Manila",
        "WTF_CSRF_TIME_LIMIT": None,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        # Per address (X-Forwarded-For only through a configured proxy): (attempts, window in seconds).
        # Login and token issue count failures only (a success gives its attempt back), so an office
        # behind one address is not locked out by its own staff; the public application form counts all.
        "THROTTLE_LOGIN": (20, 15 * 60),
        # How many reverse proxies (nginx, a load balancer) stand in front: their X-Forwarded-For is
        # then believed for the client's address. 0 (the default) believes no header: behind a proxy
        # every client would share the proxy's address, in the throttles and in the audit trail.
        "TRUSTED_PROXIES": int(os.environ.get("COOP_TRUSTED_PROXIES", "0")),
        "THROTTLE_APPLY": (10, 60 * 60),
        # `coop serve` (waitress): worker threads, and how many connections it holds open at once
        # (more wait in the kernel's backlog). The database pool is sized to the threads.
        "SERVE_HOST": os.environ.get("COOP_HOST", "127.0.0.1"),
        "SERVE_PORT": int(os.environ.get("COOP_PORT", "8000")),
        "SERVE_THREADS": _threads(),
        "SERVE_CONNECTION_LIMIT": int(os.environ.get("COOP_CONNECTION_LIMIT", "100")),
        # Nothing the application takes is larger (a member import is read by the CLI, not uploaded).
        "MAX_CONTENT_LENGTH": int(os.environ.get("COOP_MAX_CONTENT_LENGTH", 2 * 1024 * 1024)),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "MESSAGE_GATEWAY": os.environ.get("COOP_MESSAGE_GATEWAY", ""),  # "log": nothing leaves, whatever the settings
    }


def _threads() -> int:
    # Four, waitress's own default. Waitress reads and writes the sockets itself, so a slow phone does not hold a
    # thread: a thread only runs Python and waits on the database, and one process runs one thread's Python at a
    # time. More threads only contend for it: eight clients on the member summary measured p95 37 ms with 8 threads,
    # 27 ms with 4, 22 ms with 2 (bench/httpbench.py --threads, SQLite); 4 keeps room for a slow PDF or report.
    return max(1, int(os.environ.get("COOP_THREADS", "4")))


def _engine_options(database_url: str) -> dict:
    # hide_parameters: an error message must never carry a member's name or number into a log
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, "hide_parameters": True}
    # one connection per server thread, and a few for the scheduler's and the import runner's threads
    return {"pool_pre_ping": True, "hide_parameters": True, "pool_size": _threads(), "max_overflow": 10}
