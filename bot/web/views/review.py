"""Trainer review: the filtered list, a conversation, annotations, review state, exports.

Form fields are cleaned of control and bidi characters; a conversation id or turn number that
cannot exist answers 404.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDict, MultiDictProxy
from sqlalchemy.orm import Session

from bot.db.models import CONVERSATION_ID_LENGTH
from bot.web import export, review_annotations, review_detail, review_filters, review_queries
from bot.web.payload import clean_text, form_data
from bot.web.review_errors import (
    ConversationNotFoundError,
    FilterError,
    InvalidAnnotationError,
    TurnNotFoundError,
)
from bot.web.security import flash, require
from bot.web.state import CONFIG, DOMAIN, TRACKER, ZONE, current_user, run_db
from bot.web.transcript import FLAGS

logger = logging.getLogger(__name__)

MAX_ENTITY_ROWS = 12
MAX_EVENT_ID = 2**62  # larger ids cannot be stored (SQLite and PostgreSQL use 64-bit integers)
MAX_FIELD = 5000


def _field(form: MultiDictProxy[Any], key: str, default: str = "") -> str:
    """A form field as cleaned text (files and missing fields read as ``default``)."""
    value = form.get(key, default)
    return clean_text(value)[:MAX_FIELD] if isinstance(value, str) else default


def _event_id(request: web.Request) -> int:
    event_id = int(request.match_info["event_id"])
    if event_id > MAX_EVENT_ID:
        raise web.HTTPNotFound(text=f"no turn {event_id}")
    return event_id


def _filter(request: web.Request) -> review_filters.ReviewFilter:
    try:
        query = MultiDict((key, clean_text(value)) for key, value in request.query.items())
        return review_filters.ReviewFilter.from_query(query)
    except FilterError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


def _list(session: Session, request: web.Request, flt: review_filters.ReviewFilter) -> Any:
    app = request.app
    page = review_queries.list_conversations(
        app[TRACKER],
        session,
        flt,
        low_confidence=app[CONFIG].low_confidence,
        zone=app[ZONE],
    )
    return page, review_queries.all_tags(session)


@require("review")
@aiohttp_jinja2.template("review_list.html")
async def conversation_list(request: web.Request) -> dict[str, Any]:
    """The conversation list with its filters."""
    flt = _filter(request)
    page, tags = await run_db(request, _list, request, flt)
    return {
        "page": page,
        "filter": flt,
        "tags": tags,
        "flags": FLAGS,
        "outcomes": review_filters.OUTCOME_CHOICES,
    }


@require("review")
async def conversations_api(request: web.Request) -> web.StreamResponse:
    """The conversation list as JSON (same filters as the page)."""
    flt = _filter(request)
    page, _ = await run_db(request, _list, request, flt)
    rows = [
        {
            "conversation_id": row.conversation_id,
            "started_at": row.started_at.isoformat(),
            "last_at": row.last_at.isoformat(),
            "user_turns": row.user_turns,
            "outcomes": list(row.outcomes),
            "flags": list(row.flags),
            "reviewed": row.reviewed,
            "tags": list(row.tags),
        }
        for row in page.rows
    ]
    return web.json_response(
        {"conversations": rows, "total": page.total, "page": page.page, "pages": page.pages}
    )


def _conversation_id(request: web.Request) -> str:
    conversation_id = request.match_info["conversation_id"]
    if len(conversation_id) > CONVERSATION_ID_LENGTH or clean_text(conversation_id) != (
        conversation_id
    ):
        raise web.HTTPNotFound(text="no such conversation")
    return conversation_id


async def _detail(request: web.Request) -> review_detail.ConversationDetail:
    app = request.app
    try:
        return await run_db(
            request,
            lambda session: review_detail.conversation_detail(
                app[TRACKER],
                session,
                _conversation_id(request),
                low_confidence=app[CONFIG].low_confidence,
            ),
        )
    except ConversationNotFoundError as error:
        raise web.HTTPNotFound(text=str(error)) from None


@require("review")
@aiohttp_jinja2.template("conversation.html")
async def conversation_page(request: web.Request) -> dict[str, Any]:
    """One conversation: turns, NLU results, scripts, flags, annotation forms."""
    detail = await _detail(request)
    return {
        "detail": detail,
        "conversation_id": _conversation_id(request),
        "intents": request.app[DOMAIN].trainable_intents,
        "entities": request.app[DOMAIN].entities,
        "flags": FLAGS,
        "outcomes": review_filters.OUTCOME_CHOICES,
        "blank_entity_rows": 2,
    }


def _entity_rows(form: MultiDictProxy[Any]) -> list[review_annotations.EntityInput]:
    def texts(key: str) -> list[str]:
        return [
            clean_text(v)[:MAX_FIELD] if isinstance(v, str) else "" for v in form.getall(key, [])
        ]

    names, spans, values, starts = texts("entity"), texts("span"), texts("value"), texts("start")
    rows = []
    for index, name in enumerate(names[:MAX_ENTITY_ROWS]):
        start = starts[index] if index < len(starts) else ""
        rows.append(
            review_annotations.EntityInput(
                entity=name,
                span=spans[index] if index < len(spans) else "",
                value=values[index] if index < len(values) else "",
                start=int(start)
                if start.isascii() and start.isdigit() and len(start) < 9
                else None,
            )
        )
    return rows


def _back(request: web.Request, anchor: str = "") -> web.HTTPFound:
    url = request.app.router["conversation"].url_for(conversation_id=_conversation_id(request))
    return web.HTTPFound(f"{url}{anchor}")


@require("review")
async def annotate(request: web.Request) -> web.StreamResponse:
    """Save the correct intent, entities and a note for one user message."""
    form = await form_data(request)
    event_id = _event_id(request)
    user = current_user(request)
    app = request.app
    try:
        await run_db(
            request,
            lambda session: review_annotations.annotate_turn(
                app[TRACKER],
                session,
                app[DOMAIN],
                _conversation_id(request),
                event_id,
                intent=_field(form, "intent"),
                entities=_entity_rows(form),
                note=_field(form, "note"),
                author_id=user.id if user else None,
            ),
        )
    except (ConversationNotFoundError, TurnNotFoundError) as error:
        raise web.HTTPNotFound(text=str(error)) from None
    except InvalidAnnotationError as error:
        await flash(request, f"未保存：{error}", "error")
    else:
        await flash(request, "标注已保存")
    raise _back(request, f"#turn-{event_id}")


@require("review")
async def delete_annotation(request: web.Request) -> web.StreamResponse:
    """Remove the annotation of one user message."""
    event_id = _event_id(request)
    removed = await run_db(
        request, review_annotations.delete_annotation, _conversation_id(request), event_id
    )
    await flash(request, "标注已删除" if removed else "没有可删除的标注")
    raise _back(request, f"#turn-{event_id}")


@require("review")
async def save_review(request: web.Request) -> web.StreamResponse:
    """Save tags, note and the reviewed mark of a conversation."""
    form = await form_data(request)
    user = current_user(request)
    reviewed = {"yes": True, "no": False}.get(_field(form, "reviewed"))
    await run_db(
        request,
        review_annotations.save_review,
        _conversation_id(request),
        reviewed=reviewed,
        note=_field(form, "note") if "note" in form else None,
        tags=review_filters.normalize_tags(_field(form, "tags")) if "tags" in form else None,
        user_id=user.id if user else None,
    )
    await flash(request, "已保存")
    raise _back(request)


def _download(body: str, filename: str) -> web.Response:
    return web.Response(
        text=body,
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@require("review")
async def export_story(request: web.Request) -> web.StreamResponse:
    """The conversation as a Rasa test story, corrections applied (YAML download)."""
    detail = await _detail(request)
    corrections = {
        event_id: export.Correction(a.intent, a.entities)
        for event_id, a in detail.annotations.items()
    }
    try:
        body = export.story_yaml(
            detail.transcript.conversation_id, detail.events, corrections, request.app[DOMAIN]
        )
    except export.ExportError as error:
        raise web.HTTPBadRequest(text=f"cannot export: {error}") from None
    safe = "".join(
        c if c.isalnum() or c in "-_" else "_" for c in detail.transcript.conversation_id
    )
    return _download(body, f"test_{safe}.yml")


@require("review")
async def export_nlu(request: web.Request) -> web.StreamResponse:
    """Corrected examples (all, or of ``?conversation=``) as Rasa NLU YAML (download)."""
    conversation_id = clean_text(request.query.get("conversation", "")) or None
    rows = await run_db(request, review_detail.list_annotations, conversation_id)
    examples = [export.NluExample(a.intent, a.text, a.entities) for a in rows]
    today = dt.datetime.now(request.app[ZONE]).date().isoformat()
    source = f"conversation {conversation_id}" if conversation_id else "all conversations"
    try:
        body = export.nlu_yaml(
            examples,
            request.app[DOMAIN],
            comment=f"Corrected examples from the review app ({source}), exported {today}.",
        )
    except export.ExportError as error:
        raise web.HTTPBadRequest(text=f"cannot export: {error}") from None
    return _download(body, f"corrections_{today}.yml")
