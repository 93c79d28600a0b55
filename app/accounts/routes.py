"""Accounts: sign-in, sign-out and "my contributions" (HTTP only)."""

from flask import current_app, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import bp
from app.accounts.forms import LoginForm, LogoutForm
from app.accounts.redirects import safe_next
from app.accounts.sessions import end_sessions
from app.accounts.sign_in import check_credentials, record_sign_in
from app.accounts.sign_in_delays import SignInDelayed
from app.database import write_transaction
from app.extensions import limiter
from app.initiatives.contributions import contributions_of
from app.web.permissions import login_required


def login_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"],
               error_message=lambda: _("Trop de tentatives de connexion : réessayez plus tard."))
def login():
    """Sign in with e-mail and password, then go back where the visitor was."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    status, wait = 200, None
    if form.validate_on_submit():
        try:
            attempt = check_credentials(form.email.data, form.password.data)  # no lock held
            with write_transaction():
                user = record_sign_in(attempt)
        except SignInDelayed as delay:
            status, wait = 429, delay.seconds
        else:
            if user is not None:
                start_session(user)
                return redirect(next_url)
            status = 401
    return render_template("accounts/login.html", form=form, failed=status == 401, wait=wait,
                           next=request.args.get("next") and next_url), status


def start_session(user) -> None:
    """A fresh session for the signed-in user: nothing from before the login survives."""
    session.clear()
    login_user(user)


def logout_limit() -> str:
    return current_app.config.get("LOGOUT_RATE_LIMIT", "30 per hour;100 per day")


# Every POST a visitor can reach is limited per address (issue 13): each sign-out of a
# signed-in session writes a new session token.
@bp.route("/logout", methods=["GET", "POST"])
@limiter.limit(logout_limit, methods=["POST"], scope="logout", error_message=lambda: _(
    "Trop d'envois depuis votre connexion : réessayez plus tard."))
def logout():
    """Sign out (POST, with its CSRF token); a GET shows the button."""
    form = LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            with write_transaction():
                end_sessions(current_user)  # copies of the cookie stop working too
        logout_user()
        session.clear()
        return redirect("/")
    return render_template("accounts/logout.html", form=form)


@bp.get("/mes-contributions")
@login_required
def my_contributions():
    """The signed-in user's proposals and corrections, with their status."""
    initiatives, change_sets = contributions_of(current_user)
    return render_template("accounts/my_contributions.html", initiatives=initiatives,
                           change_sets=change_sets)
