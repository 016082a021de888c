"""OneWindow (一窗通): the public portal of Hengyang's government service center."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import errors, i18n, security
from portal.config import PROJECT_ROOT, load_config
from portal.extensions import babel, csrf, db, limiter, migrate


def create_app(overrides: dict | None = None, config_name: str | None = None) -> Flask:
    """Build the app. ``overrides`` replace settings (tests use them)."""
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.update(load_config(Path(app.instance_path), overrides, config_name))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.jinja_env.undefined = __import__("jinja2").StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)
    errors.init_app(app)
    _register_commands(app)
    logging.getLogger("portal").setLevel(logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from portal.catalog import (
        models,  # noqa: F401  (tables must be known to Alembic)
        page_cache,
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    page_cache.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal.catalog.api import api
    from portal.catalog.fee_views import fees
    from portal.catalog.views import catalog
    from portal.site.views import site

    for blueprint in (site, catalog, fees, api):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from portal.catalog.cli import content_cli
    from portal.translate import translate_cli

    app.cli.add_command(content_cli)
    app.cli.add_command(translate_cli)
