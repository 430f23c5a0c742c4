import datetime as dt

from aiohttp.test_utils import make_mocked_request

from bot.web.app import create_app
from bot.web.state import USER, ZONE
from bot.web.templating import _filters, fallback_context
from tests.unit.web.sample_data import ZONE as SHANGHAI


def test_filters(config) -> None:
    app = create_app(config)
    app[ZONE] = SHANGHAI
    filters = _filters(app)
    moment = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.timezone.utc)
    assert filters["localtime"](moment) == "2026-11-30 10:00:00"
    assert filters["localtime"](moment, "%H:%M") == "10:00"
    assert filters["localtime"](None) == ""
    assert filters["percent"](0.4567) == "45.7%"
    assert filters["percent"](None) == "—"
    assert filters["confidence"](0.912) == "0.91"
    assert filters["confidence"](None) == "—"


def test_fallback_context_has_every_base_variable() -> None:
    request = make_mocked_request("GET", "/")
    request[USER] = None
    context = fallback_context(request)
    assert context["csrf_token"] == "" and context["flashes"] == []
    assert context["can"]("review") is False
