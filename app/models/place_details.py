"""What a visitor needs to reach a place: address, phone, e-mails, hours, services offered.

The fields the national standards ask for (lieux de médiation numérique, data·inclusion),
mixed into Initiative. The lists hold the codes of app.initiatives.place_vocabulary.
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

# Every field of this mixin, in the order forms, pages and exports show them.
PLACE_DETAIL_FIELDS = (
    "street_address", "postcode", "phone", "emails", "opening_hours", "services", "publics",
    "fees", "access_modes", "support_modes", "booking_url", "accessibility_url",
)
PLACE_DETAIL_LISTS = ("emails", "services", "publics", "fees", "access_modes", "support_modes")


class PlaceDetailsColumns:
    """The place's practical details (mixed into Initiative); all optional."""

    street_address: Mapped[str | None] = mapped_column(sa.String(300))
    postcode: Mapped[str | None] = mapped_column(sa.String(5))
    # E.164 (+33123456789): the exports' form; pages show the national one.
    phone: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    # Public addresses of the place (never the private contact e-mail).
    emails: Mapped[list[str] | None] = mapped_column(sa.JSON)
    # OpenStreetMap `opening_hours` syntax, checked by a real parser.
    opening_hours: Mapped[str | None] = mapped_column(sa.String(500))
    services: Mapped[list[str] | None] = mapped_column(sa.JSON)
    publics: Mapped[list[str] | None] = mapped_column(sa.JSON)
    fees: Mapped[list[str] | None] = mapped_column(sa.JSON)
    access_modes: Mapped[list[str] | None] = mapped_column(sa.JSON)
    support_modes: Mapped[list[str] | None] = mapped_column(sa.JSON)
    booking_url: Mapped[str | None] = mapped_column(sa.String(500))
    accessibility_url: Mapped[str | None] = mapped_column(sa.String(500))
