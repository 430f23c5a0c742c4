"""Trainer review: the filtered list, a conversation, annotations, review state, exports."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiDictProxy
from sqlalchemy.orm import Session

from bot.web import export, review
from bot.web.security import flash, require
from bot.web.state import CONFIG, DOMAIN, TRACKER, ZONE, current_user, run_db
from bot.web.transcript import FLAGS

logger = logging.getLogger(__name__)

MAX_ENTITY_ROWS = 12


def _filter(request: web.Request) -> review.ReviewFilter:
    try:
        return review.ReviewFilter.from_query(request.query)
    except review.FilterError as error:
        raise web.HTTPBadRequest(text=str(error)) from None


def _list(session: Session, request: web.Request, flt: review.ReviewFilter) -> Any:
    app = request.app
    page = review.list_conversations(
        app[TRACKER],
        session,
        flt,
        low_confidence=app[CONFIG].low_confidence,
        zone=app[ZONE],
    )
    return page, review.all_tags(session)


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
        "outcomes": review.OUTCOME_CHOICES,
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
    return request.match_info["conversation_id"]


async def _detail(request: web.Request) -> review.ConversationDetail:
    app = request.app
    try:
        return await run_db(
            request,
            lambda session: review.conversation_detail(
                app[TRACKER],
                session,
                _conversation_id(request),
                low_confidence=app[CONFIG].low_confidence,
            ),
        )
    except review.ConversationNotFoundError as error:
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
        "outcomes": review.OUTCOME_CHOICES,
        "blank_entity_rows": 2,
    }


def _entity_rows(form: MultiDictProxy[Any]) -> list[review.EntityInput]:
    names = form.getall("entity", [])
    spans = form.getall("span", [])
    values = form.getall("value", [])
    starts = form.getall("start", [])
    rows = []
    for index, name in enumerate(names[:MAX_ENTITY_ROWS]):
        start = starts[index] if index < len(starts) else ""
        rows.append(
            review.EntityInput(
                entity=str(name).strip(),
                span=str(spans[index]) if index < len(spans) else "",
                value=str(values[index]) if index < len(values) else "",
                start=int(start) if str(start).isdigit() else None,
            )
        )
    return rows


def _back(request: web.Request, anchor: str = "") -> web.HTTPFound:
    url = request.app.router["conversation"].url_for(conversation_id=_conversation_id(request))
    return web.HTTPFound(f"{url}{anchor}")


@require("review")
async def annotate(request: web.Request) -> web.StreamResponse:
    """Save the correct intent, entities and a note for one user message."""
    form = await request.post()
    event_id = int(request.match_info["event_id"])
    user = current_user(request)
    app = request.app
    try:
        await run_db(
            request,
            lambda session: review.annotate_turn(
                app[TRACKER],
                session,
                app[DOMAIN],
                _conversation_id(request),
                event_id,
                intent=str(form.get("intent", "")),
                entities=_entity_rows(form),
                note=str(form.get("note", "")),
                author_id=user.id if user else None,
            ),
        )
    except (review.ConversationNotFoundError, review.TurnNotFoundError) as error:
        raise web.HTTPNotFound(text=str(error)) from None
    except review.InvalidAnnotationError as error:
        await flash(request, f"未保存：{error}", "error")
    else:
        await flash(request, "标注已保存")
    raise _back(request, f"#turn-{event_id}")


@require("review")
async def delete_annotation(request: web.Request) -> web.StreamResponse:
    """Remove the annotation of one user message."""
    event_id = int(request.match_info["event_id"])
    removed = await run_db(request, review.delete_annotation, _conversation_id(request), event_id)
    await flash(request, "标注已删除" if removed else "没有可删除的标注")
    raise _back(request, f"#turn-{event_id}")


@require("review")
async def save_review(request: web.Request) -> web.StreamResponse:
    """Save tags, note and the reviewed mark of a conversation."""
    form = await request.post()
    user = current_user(request)
    reviewed = {"yes": True, "no": False}.get(str(form.get("reviewed", "")))
    await run_db(
        request,
        review.save_review,
        _conversation_id(request),
        reviewed=reviewed,
        note=str(form["note"]) if "note" in form else None,
        tags=review.normalize_tags(str(form["tags"])) if "tags" in form else None,
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
    conversation_id = request.query.get("conversation") or None
    rows = await run_db(request, review.annotations, conversation_id)
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
