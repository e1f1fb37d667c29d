"""`coop serve`: the application on waitress, a production WSGI server in pure Python (Linux and Windows alike)."""
from __future__ import annotations

import click
import waitress
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve")
@click.option("--host", default=None, help="address to listen on (default COOP_HOST, else 127.0.0.1)")
@click.option("--port", type=int, default=None, help="port (default COOP_PORT, else 8000)")
@with_appcontext
def serve(host, port):
    """Serve the application with waitress: threads and connection limit from COOP_THREADS and
    COOP_CONNECTION_LIMIT; behind nginx or Caddy set COOP_TRUSTED_PROXIES (see README)."""
    app = current_app._get_current_object()
    config = app.config
    click.echo(f"coop serving on http://{host or config['SERVE_HOST']}:{port or config['SERVE_PORT']} "
               f"({config['SERVE_THREADS']} threads, {config['SERVE_CONNECTION_LIMIT']} connections, "
               f"{config['TRUSTED_PROXIES']} trusted proxies)")
    waitress.serve(app, host=host or config["SERVE_HOST"], port=port or config["SERVE_PORT"],
                   threads=config["SERVE_THREADS"], connection_limit=config["SERVE_CONNECTION_LIMIT"],
                   # the forwarded headers are ProxyFix's job (create_app), counted by TRUSTED_PROXIES;
                   # waitress must not honour them a second time
                   clear_untrusted_proxy_headers=False, ident="coop")
