"""Formal notices for trainers and admins: the page of one notice, and its PDF as issued.

Both need the ``notices`` permission. Each access is logged with the notice's id, what was
read and the staff user, never the cardholder's name or numbers. The PDF is served only while
its bytes still match the SHA-256 stored when it was issued.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.db.notices import pdf_digest
from bot.web.notice_queries import NoticeDocument, notice_document
from bot.web.security import require
from bot.web.state import current_user, run_db

logger = logging.getLogger(__name__)

MAX_NOTICE_ID = 2**62


async def _document(request: web.Request, what: str) -> NoticeDocument:
    notice_id = int(request.match_info["notice_id"])
    found = None if notice_id > MAX_NOTICE_ID else await run_db(request, notice_document, notice_id)
    if found is None:
        raise web.HTTPNotFound(text="no such notice")
    user = current_user(request)
    logger.info("notice %s %s read by %s", notice_id, what, user.name if user else "?")
    return found


@require("notices")
@aiohttp_jinja2.template("notice.html")
async def notice_page(request: web.Request) -> dict[str, Any]:
    """One notice: who issued it, from which template, its hash, and the document itself."""
    document = await _document(request, "page")
    return {"notice": document.summary, "document_html": document.html}


@require("notices")
async def notice_pdf(request: web.Request) -> web.StreamResponse:
    """The notice's PDF as issued (a download), after checking it against its stored hash."""
    document = await _document(request, "pdf")
    notice = document.summary
    if pdf_digest(document.pdf) != notice.sha256:
        logger.error("notice %s: stored PDF does not match its SHA-256; not served", notice.id)
        raise web.HTTPInternalServerError(text="the stored PDF does not match its hash")
    return web.Response(
        body=document.pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{notice.reference}.pdf"',
            "X-Content-SHA256": notice.sha256,
        },
    )
