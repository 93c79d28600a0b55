"""The follow form: an address and how often, with the public forms' spam checks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField
from wtforms.validators import InputRequired, Length

from app.web.anti_abuse import AntiAbuseMixin
from app.web.forms import options

FREQUENCY_LABELS = {
    "weekly": _l("Une fois par semaine (hebdomadaire)"),
    "immediate": _l("Dès qu'il y a du nouveau (immédiate)"),
}


class FollowForm(AntiAbuseMixin, FlaskForm):
    email = EmailField(
        _l("Votre adresse e-mail"),
        validators=[InputRequired(message=_l("Indiquez l'adresse qui recevra les nouvelles.")),
                    Length(max=254)],
        render_kw={"autocomplete": "email", "maxlength": 254})
    frequency = RadioField(_l("À quelle fréquence ?"), choices=options(FREQUENCY_LABELS),
                           default="weekly",
                           validators=[InputRequired(message=_l("Choisissez une fréquence."))])
