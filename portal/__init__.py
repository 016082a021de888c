"""OneWindow (一窗通): the public portal of Hengyang's government service center."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import errors, i18n, security, transactions
from portal.config import PROJECT_ROOT, load_config
from portal.converters import RowIdConverter
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(overrides: dict | None = None, config_name: str | None = None) -> Flask:
    """Build the app. ``overrides`` replace settings (tests use them)."""
    app = Flask(
        __name__,
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.update(load_config(Path(app.instance_path), overrides, config_name))
    _init_logging(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.jinja_env.undefined = __import__("jinja2").StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])  # type: ignore[method-assign]

    app.url_map.converters["id"] = RowIdConverter
    _init_extensions(app)
    _init_services(app)
    _register_blueprints(app)
    errors.init_app(app)
    _register_commands(app)
    return app


def _init_logging(app: Flask) -> None:
    """INFO lines of every ``portal.*`` logger reach stderr (gunicorn's and the worker's).

    The log back office and the log notifier report at INFO; without a handler Python
    prints only warnings. Flask's own stderr handler is added to the ``portal`` logger
    unless something (pytest, a deployment's logging config) already handles INFO.
    """
    logging.getLogger("portal").setLevel(logging.INFO)
    app.logger.debug("portal loggers report at INFO")  # reading app.logger installs it


def _init_extensions(app: Flask) -> None:
    # The models must be imported for Alembic to know their tables.
    from portal.accounts import devices  # noqa: F401
    from portal.accounts import models as account_models  # noqa: F401
    from portal.backoffice import models as backoffice_models  # noqa: F401
    from portal.catalog import models as catalog_models  # noqa: F401
    from portal.catalog import page_cache
    from portal.complaints import attachments as complaint_attachments  # noqa: F401
    from portal.complaints import hotline_models as complaint_hotline_models  # noqa: F401
    from portal.complaints import models as complaint_models  # noqa: F401
    from portal.complaints import office_models as complaint_office_models  # noqa: F401
    from portal.filing import models as filing_models  # noqa: F401
    from portal.messaging import models as message_models  # noqa: F401
    from portal.performance import models as performance_models  # noqa: F401
    from portal.proxy import models as proxy_models  # noqa: F401
    from portal.ratings import models as rating_models  # noqa: F401
    from portal.supervision import models as supervision_models  # noqa: F401
    from portal.window import models as window_models  # noqa: F401
    from portal.worker import JobRun  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    # Every limit here is declared on a route or checked by its blueprint, so Flask-Limiter's
    # check-everything hook only costs time on each request (a third of a cached page's).
    hooks = app.before_request_funcs.setdefault(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    security.init_app(app)
    i18n.init_app(app)
    page_cache.init_app(app)
    transactions.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(_load_signed_in_user)
    login_manager.login_view = "accounts.sign_in"
    login_manager.session_protection = "basic"


def _load_signed_in_user(session_id: str):
    """Flask-Login's loader: ``<kind>:<token>`` of an open server-side session. Applicants and
    staff share one login manager; the factory, above both areas, tells them apart."""
    from portal.accounts import sessions
    from portal.accounts.operations import load_applicant
    from portal.window.staff import load_staff

    kind, token = sessions.split_session_id(session_id)
    if kind == sessions.STAFF:
        return load_staff(token)
    if kind == sessions.APPLICANT:
        return load_applicant(token)
    return None


def _init_services(app: Flask) -> None:
    """The parts outside the process, each behind a small interface (storage, scanner, …)."""
    from portal import messaging
    from portal.backoffice.delivery import backend_from_config
    from portal.clock.calendar import load_calendar
    from portal.notify import notifier_from_config
    from portal.proxy.exchange_rates import RateFile
    from portal.scanning import scanner_from_config
    from portal.storage import storage_from_config

    app.extensions["storage"] = storage_from_config(app.config)
    app.extensions["scanner"] = scanner_from_config(app.config)
    app.extensions["notifier"] = notifier_from_config(app.config)
    app.extensions["calendar"] = load_calendar(app.config["HOLIDAYS_DIR"])
    app.extensions["backoffice"] = backend_from_config(app.config)
    app.extensions["exchange_rates"] = RateFile(app.config["EXCHANGE_RATES_FILE"])
    messaging.init_app(app)  # messages are sent after the request's commit
    if not app.extensions["scanner"].enabled:
        logging.getLogger("portal").warning(
            "VIRUS SCANNING IS OFF: uploaded files are stored unscanned. "
            "Set SCANNER=clamd (and CLAMD_HOST/CLAMD_PORT) in production."
        )


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import settings_views  # noqa: F401  (adds the account settings pages)
    from portal.accounts.views import accounts
    from portal.backoffice.api import backoffice_api
    from portal.catalog.api import api
    from portal.catalog.fee_views import fees
    from portal.catalog.views import catalog
    from portal.complaints.api import complaints_api
    from portal.complaints.console_views import complaint_office
    from portal.complaints.parked_callback_views import hotline_staff
    from portal.complaints.views import complaints
    from portal.filing import withdrawal_views  # noqa: F401  (adds delete and withdraw to filing)
    from portal.filing.assisted_views import staff_assisted
    from portal.filing.county_views import county
    from portal.filing.views import filing
    from portal.messaging.views import messages
    from portal.performance.views import performance
    from portal.proxy import (
        agent_views,  # noqa: F401  (reassigning the agent, the agent's own projects)
        dashboard_views,  # noqa: F401  (the project dashboard, both sides)
        document_views,  # noqa: F401  (the project's documents, picked for its drafts)
        plan_search_views,  # noqa: F401  (the plan's catalog search)
        plan_views,  # noqa: F401  (adds the permit plan to the proxy window)
        rating_views,  # noqa: F401  (the investor rates the proxy service)
        request_views,  # noqa: F401  (adds the request to proxy)
        token_views,  # noqa: F401  (adds the investor's read tokens to the dashboard)
    )
    from portal.proxy.api import proxy_api
    from portal.proxy.views import proxy
    from portal.proxy.window_views import staff_proxy
    from portal.ratings.staff_views import rating_office
    from portal.ratings.views import ratings
    from portal.site.views import site
    from portal.supervision.views import supervision
    from portal.window import staff_views  # noqa: F401  (adds the staff account pages to window)
    from portal.window.file_links import files
    from portal.window.forwarded_views import forwarded
    from portal.window.views import window

    blueprints = (
        site,
        catalog,
        fees,
        api,
        accounts,
        messages,
        filing,
        complaints,
        proxy,
        proxy_api,
        complaint_office,
        hotline_staff,
        complaints_api,
        staff_proxy,
        staff_assisted,
        county,
        window,
        forwarded,
        backoffice_api,
        files,
        ratings,
        rating_office,
        performance,
        supervision,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from portal.accounts.cli import accounts_cli
    from portal.backoffice.cli import backoffice_cli
    from portal.catalog.cli import content_cli
    from portal.complaints.hotline_cli import hotline_cli
    from portal.filing.cli import filing_cli
    from portal.messaging.cli import messages_cli
    from portal.performance.cli import performance_cli
    from portal.translate import translate_cli
    from portal.window.cli import staff_cli, window_cli

    app.cli.add_command(content_cli)
    app.cli.add_command(filing_cli)
    for group in (accounts_cli, staff_cli, window_cli, backoffice_cli, messages_cli, hotline_cli):
        app.cli.add_command(group)
    app.cli.add_command(translate_cli)
    app.cli.add_command(performance_cli)
    from portal import worker
    from portal.proxy import cleanup  # noqa: F401  (registers the proxy-drafts job)
    from portal.supervision import jobs  # noqa: F401  (registers the card sweeps)

    worker.init_app(app)
