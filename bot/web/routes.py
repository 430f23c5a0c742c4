"""Every URL of the app, named (templates and redirects build URLs from the names)."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from bot.notices.paths import STATIC as NOTICE_STATIC_DIR
from bot.web.views import (
    admin,
    assist,
    auth,
    chat,
    dashboard,
    desk,
    desk_live,
    notices,
    payments,
    review,
)

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONVERSATION = "/review/conversations/{conversation_id:[^/]+}"
HANDOFF = "/api/desk/handoffs/{handoff_id}"
NOTICE = r"/notices/{notice_id:\d+}"


def setup_routes(app: web.Application) -> None:
    """Register the routes on the app."""
    router = app.router
    router.add_get("/", auth.home, name="home")
    router.add_get("/login", auth.login_page, name="login")
    router.add_post("/login", auth.login, name="login_submit")
    router.add_post("/logout", auth.logout, name="logout")

    router.add_get("/chat", chat.chat_page, name="chat")
    router.add_post("/api/chat", chat.send_message, name="api_chat")
    router.add_post("/api/chat/reset", chat.reset, name="api_chat_reset")
    router.add_get("/api/chat/events", chat.events, name="api_chat_events")

    router.add_get("/assist", assist.assist_page, name="assist")
    router.add_post("/api/assist/suggest", assist.suggest, name="api_assist_suggest")
    router.add_post("/api/assist/check", assist.check, name="api_assist_check")

    router.add_get("/desk", desk.desk_page, name="desk")
    router.add_get("/api/desk/queue", desk.queue_api, name="api_desk_queue")
    router.add_get("/api/desk/events", desk.queue_events, name="api_desk_events")
    router.add_post(f"{HANDOFF}/claim", desk.claim, name="api_desk_claim")
    router.add_get(f"{HANDOFF}/conversation", desk_live.conversation, name="api_desk_conversation")
    router.add_get(f"{HANDOFF}/events", desk_live.conversation_events, name="api_desk_stream")
    router.add_get(f"{HANDOFF}/suggestions", desk_live.suggestions, name="api_desk_suggestions")
    router.add_post(f"{HANDOFF}/messages", desk_live.send_message, name="api_desk_message")
    router.add_post(f"{HANDOFF}/verify", desk_live.verify, name="api_desk_verify")
    router.add_post(f"{HANDOFF}/handback", desk.hand_back, name="api_desk_handback")
    router.add_post(f"{HANDOFF}/close", desk.close, name="api_desk_close")

    router.add_get("/review", review.conversation_list, name="review")
    router.add_get("/review/export/nlu.yml", review.export_nlu, name="export_nlu")
    router.add_get(CONVERSATION, review.conversation_page, name="conversation")
    router.add_post(f"{CONVERSATION}/review", review.save_review, name="conversation_review")
    router.add_get(f"{CONVERSATION}/story.yml", review.export_story, name="export_story")
    router.add_post(
        CONVERSATION + r"/turns/{event_id:\d+}/annotation", review.annotate, name="annotate"
    )
    router.add_post(
        CONVERSATION + r"/turns/{event_id:\d+}/annotation/delete",
        review.delete_annotation,
        name="annotation_delete",
    )
    router.add_get("/api/conversations", review.conversations_api, name="api_conversations")

    router.add_get("/dashboard", dashboard.dashboard_page, name="dashboard")
    router.add_get("/api/dashboard", dashboard.dashboard_api, name="api_dashboard")

    router.add_get("/admin/users", admin.users_page, name="users")
    router.add_post("/admin/users", admin.create_user, name="users_create")
    router.add_post("/admin/users/{name}/role", admin.set_role, name="users_role")
    router.add_post("/admin/users/{name}/active", admin.set_active, name="users_active")
    router.add_post("/admin/users/{name}/password", admin.set_password, name="users_password")

    router.add_post("/api/payments", payments.record, name="api_payments")

    router.add_get(NOTICE, notices.notice_page, name="notice")
    router.add_get(f"{NOTICE}.pdf", notices.notice_pdf, name="notice_pdf")

    # The notice's style sheet, the one WeasyPrint prints with (before /static: prefixes match).
    router.add_static(
        "/static/notices", NOTICE_STATIC_DIR, name="notice_static", append_version=True
    )
    router.add_static("/static", STATIC_DIR, name="static", append_version=True)
