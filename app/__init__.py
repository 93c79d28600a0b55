"""Maillage: the collaborative map of territorial initiatives."""

from pathlib import Path

from flask import Flask, request
from werkzeug.routing import IntegerConverter

from app import config
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = config.PROJECT_ROOT


def create_app(overrides: dict | None = None) -> Flask:
    """Create the app from the environment, then apply the given overrides (tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config.from_environment(Path(app.instance_path)))
    app.config.update(overrides or {})
    config.require_public_url(app.debug, app.testing, app.config.get("PUBLIC_URL"))
    register_extensions(app)
    register_templating(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_jobs(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.database import configure_engine, release_session
    from app.initiatives.stored_features import track_session_writes
    from app.web.limits import cap_request_body

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    app.teardown_appcontext(release_session)  # runs before Flask-SQLAlchemy's own
    # No session commits an initiative without its stored public feature.
    track_session_writes(db.session)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    app.before_request(cap_request_body)  # first: before CSRF or the limiter reads a body
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"

    from app.accounts.sessions import load_user

    login_manager.user_loader(load_user)

    from app.web import security

    security.init_app(app)


def register_templating(app: Flask) -> None:
    from app.web.templating import register_templating as register

    register(app)


def select_locale() -> str:
    """French unless the visitor chose English (?lang=, cookie) or prefers it."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "fr"


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in URLs, capped to the databases' 32-bit integer ids (else a 404, not a 500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    from app.accounts import bp as accounts_bp
    from app.api import bp as api_bp
    from app.contribute import bp as contribute_bp
    from app.exchange import bp as exchange_bp
    from app.following import bp as following_bp
    from app.moderation import bp as moderation_bp
    from app.public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(contribute_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(exchange_bp)
    app.register_blueprint(following_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)

    from app.api.routes import healthz
    from app.moderation.history_routes import history

    app.add_url_rule("/healthz", "healthz", healthz)
    # The history sits with the initiative's URLs, outside the /moderation prefix; its
    # endpoint keeps the blueprint's name.
    app.add_url_rule("/initiatives/<int:initiative_id>/history", "moderation.history", history)


def register_errorhandlers(app: Flask) -> None:
    from app.web.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.cli import register

    register(app)


def register_jobs(app: Flask) -> None:
    """Hand the harvest's work to its job; in development only (JOBS_IN_PROCESS), run the
    periodic jobs in a thread of the server."""
    from app.exchange.harvest_pull import sync_due_sources
    from app.jobs.registry import HARVEST_WORK

    app.extensions[HARVEST_WORK] = sync_due_sources
    if app.config["JOBS_IN_PROCESS"]:
        from app.jobs.background import start_with_first_request

        start_with_first_request(app)
