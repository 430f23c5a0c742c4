"""``POST /api/payments``: the issuer's systems record payments (JSON list of rows).

Needs the ``payments`` permission (admins) and the CSRF token in ``X-CSRF-Token`` (the
middleware). The body is a JSON array of objects with the fields of :mod:`bot.payments.rows`
(``reference``, ``account``, ``amount``, ``paid_at``, optional ``channel`` and ``card_last4``);
amounts may be strings or JSON numbers. The answer is the import report: ``200`` when every row
was recorded or a duplicate, ``422`` with ``error`` when some were rejected (the others are
recorded: the report says which), ``400`` for a body that is not such an array, ``409`` when a
concurrent request recorded one of the references first (nothing kept; send it again).
"""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot.db.types import utcnow
from bot.payments.ledger import record_payments
from bot.payments.rows import parse_objects
from bot.web.payload import json_body
from bot.web.security import require
from bot.web.state import ZONE, current_user, run_db

logger = logging.getLogger(__name__)

MAX_ROWS = 1000


@require("payments")
async def record(request: web.Request) -> web.StreamResponse:
    """Validate and record a list of payments in one transaction; answer the report."""
    body = await json_body(request, decimals=True)
    if not isinstance(body, list):
        raise web.HTTPBadRequest(text="body must be a JSON array of payment objects")
    if not body:
        raise web.HTTPBadRequest(text="no payments in the body")
    if len(body) > MAX_ROWS:
        raise web.HTTPBadRequest(text=f"at most {MAX_ROWS} payments per request")
    zone = request.app[ZONE]
    now = utcnow()
    parsed = parse_objects(body, zone, now)
    user = current_user(request)
    source = f"api:{user.name if user else 'unknown'}"
    try:
        report = await run_db(
            request, record_payments, parsed.rows, source=source, zone=zone, now=now
        )
    except IntegrityError:
        # Another request recorded one of these references between our check and our insert;
        # nothing of this batch was kept, and sending it again is safe (idempotent).
        logger.warning("payments batch from %s rolled back: concurrent reference", source)
        raise web.HTTPConflict(
            text="a concurrent request recorded one of these references; "
            "nothing was recorded, send the batch again"
        ) from None
    report.total = parsed.total
    report.rejected = sorted([*parsed.errors, *report.rejected], key=lambda e: e.line)
    if not report.rejected:
        return web.json_response(report.as_dict())
    error = {"error": f"{report.rejected_rows} row(s) rejected", "status": 422}
    return web.json_response({**error, **report.as_dict()}, status=422)
