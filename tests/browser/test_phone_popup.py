"""Phone first in the map's popups (issue 18.3), in a real headless Chromium."""

import sqlalchemy as sa

from app.database import write_transaction
from app.extensions import db
from app.initiatives.services import update_initiative
from app.models import Initiative
from tests.browser.conftest import wait_for_map
from tests.browser.test_map import LAON


def test_popup_gives_the_phone_as_a_tel_link(page, browser_app):
    with browser_app.app_context(), write_transaction():
        laon = db.session.scalar(sa.select(Initiative).where(Initiative.insee == LAON))
        update_initiative(laon, {"phone": "03 23 22 85 85"}, author=None)
    page.goto(page.base_url + f"/?commune={LAON}")
    assert wait_for_map(page) == 1
    page.locator(".initiative-marker").click()
    link = page.locator(".initiative-popup .initiative-popup__phone a")
    link.wait_for()
    assert link.inner_text() == "03 23 22 85 85"
    assert link.get_attribute("href") == "tel:+33323228585"
