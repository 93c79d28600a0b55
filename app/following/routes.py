"""Follow a territory, a category, an actor or an initiative by e-mail (HTTP only)."""

import hashlib

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.database import write_transaction
from app.extensions import csrf
from app.following import bp
from app.following.forms import FREQUENCY_LABELS, FollowForm
from app.initiatives.fields import is_email
from app.models import FOLLOW_FREQUENCIES, Follower
from app.notifications import follows
from app.notifications.follow_links import CONFIRM, MANAGE, UNSUBSCRIBE, read, sign
from app.notifications.follow_targets import find_target, target_from
from app.web.anti_abuse import issue_stamp, submission_problem
from app.web.limits import Quota


def wanted_target(wanted: tuple[str, str]):
    """The target the query string names, or a 404 page saying what can be followed."""
    target = find_target(*wanted)
    if target is None:
        abort(404, _("Rien à suivre ici : suivez une commune, une intercommunalité, un "
                     "département, une région, une catégorie ou une initiative depuis sa page."))
    return target


def quotas(email: str) -> tuple[Quota, Quota]:
    """Accepted follows per connection, and confirmation e-mails per address (nobody fills
    someone else's mailbox with them)."""
    config = current_app.config
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return (Quota("follow", config.get("FOLLOW_RATE_LIMIT", "10 per hour;30 per day"),
                  get_remote_address()),
            Quota("follow-address", config.get("FOLLOW_ADDRESS_RATE_LIMIT",
                                               "3 per hour;10 per day"), digest))


@bp.route("/suivre", methods=["GET", "POST"])
def follow():
    """The follow form: an address, how often; a confirmation link is sent to it. Without
    one thing named to follow, the page says how to choose it."""
    wanted = target_from(request.args)
    if wanted is None:
        return render_template("following/choose.html"), 400 if request.method == "POST" else 200
    target = wanted_target(wanted)
    form = FollowForm()
    if not form.is_submitted():
        form.stamp.data = issue_stamp()
    elif problem := submission_problem(form):
        form.form_errors.append(problem)
        form.stamp.data = issue_stamp()
    elif form.validate():
        if not is_email(form.email.data.strip()):
            form.email.errors.append(_("Cette adresse e-mail n'est pas valide."))
        else:
            return subscribe(form, target)
    status = 400 if form.errors else 200
    return render_template("following/follow.html", form=form, target=target), status


def subscribe(form: FollowForm, target):
    """Record the follow and its confirmation e-mail, within the quotas; the page says the
    same whether the address followed it already or not."""
    by_connection, by_address = quotas(form.email.data)
    if by_connection.retry_at() is not None:
        form.form_errors.append(_("Trop d'envois depuis votre connexion : réessayez plus tard."))
        return render_template("following/follow.html", form=form, target=target), 429
    if by_address.retry_at() is None:
        with write_transaction():
            follows.subscribe(form.email.data, target, form.frequency.data, str(get_locale()))
        by_address.spend()
    by_connection.spend()
    return render_template("following/sent.html", target=target)


def follower_or_404(purpose: str, token: str) -> tuple[Follower, list[int] | None]:
    found = read(purpose, token)
    if found is None:
        abort(404, _("Ce lien n'est pas valide ou a expiré. Si vous suiviez quelque chose, "
                     "l'adresse ne suit peut-être déjà plus rien."))
    return found


def targets_of(follower: Follower, ids: list[int] | None = None) -> list[tuple]:
    """Each follow (all, or those with these ids) with what it follows (None: gone)."""
    return [(item, find_target(item.target, item.code)) for item in follower.follows
            if ids is None or item.id in ids]


@bp.route("/suivre/confirmer/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The confirmation link: a button confirms (a mail scanner opening links does not)."""
    follower, ids = follower_or_404(CONFIRM, token)
    if request.method == "POST":
        with write_transaction():
            follows.confirm(follower, ids or [])
        flash(_("C'est confirmé : vous recevrez les nouvelles par e-mail."), "success")
        return redirect(url_for("following.manage", token=sign(MANAGE, follower)), 303)
    return render_template("following/confirm.html", follows=targets_of(follower, ids or []),
                           frequencies=FREQUENCY_LABELS)


@bp.route("/suivre/gerer/<token>", methods=["GET", "POST"])
def manage(token: str):
    """Every follow of an address: change how often, stop one, or stop all and erase it."""
    follower, _ids = follower_or_404(MANAGE, token)
    if request.method == "POST":
        return change(follower, token)
    return render_template("following/manage.html", follower=follower,
                           follows=targets_of(follower), frequencies=FREQUENCY_LABELS)


def change(follower: Follower, token: str):
    action = request.form.get("action")
    follow_id = request.form.get("follow", type=int)
    frequency = request.form.get("frequency")
    with write_transaction():
        if action == "stop_all" or (action == "stop" and follow_id is not None):
            erased = follows.stop(follower, None if action == "stop_all" else [follow_id])
        elif action == "frequency" and frequency in FOLLOW_FREQUENCIES:
            follows.set_frequency(follower, follow_id, frequency)
            erased = False
        else:
            abort(400)
    if erased:
        return render_template("following/unsubscribed.html")
    flash(_("Vos suivis sont enregistrés."), "success")
    return redirect(url_for("following.manage", token=token), 303)


@bp.route("/suivre/desabonner/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients post here without a form; the signed token suffices
def unsubscribe(token: str):
    """One-click unsubscribe: a POST (List-Unsubscribe-Post) stops the follows the message
    was about; a GET only asks, since mail scanners open links."""
    follower, ids = follower_or_404(UNSUBSCRIBE, token)
    if request.method == "GET":
        return render_template("following/unsubscribe.html", follows=targets_of(follower, ids))
    with write_transaction():
        erased = follows.stop(follower, ids)
    if erased:
        return render_template("following/unsubscribed.html")
    return render_template("following/unsubscribed.html",
                           manage_url=url_for("following.manage", token=sign(MANAGE, follower)))
