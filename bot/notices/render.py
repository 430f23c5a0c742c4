"""A notice's content as HTML and as PDF: one HTML template for both, WeasyPrint for the PDF.

:func:`notice_html` lays the blocks out as an HTML fragment (``templates/notice_body.html``):
the staff page shows it as it is, with ``static/notice.css`` (served at ``/static/notices/``),
and :func:`notice_pdf` wraps it in ``templates/notice_document.html`` with the same style
sheet and prints it to PDF.

Nothing is downloaded: WeasyPrint gets a :class:`LocalFetcher`, which opens only files in
``static/`` (the style sheet) and stops the rendering at any other URL, local or remote.
Fonts come from the system through fontconfig (Debian's ``fonts-wqy-microhei``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from bot.notices.content import NoticeContent, NoticeError
from bot.notices.paths import STATIC, TEMPLATES
from bot.scripts.document import Block

logger = logging.getLogger(__name__)


class FetchRefusedError(ValueError):
    """A document asked WeasyPrint for something other than one of the notice's own files."""


class LocalFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """WeasyPrint's fetcher, limited to the files in :data:`STATIC`; any other URL stops it."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: Any = None) -> Any:
        """Open ``url`` if it is a file in :data:`STATIC`.

        Raises:
            FetchRefusedError: any other URL (WeasyPrint then stops the rendering).
        """
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if parts.netloc or path is None or not path.is_relative_to(STATIC):
            logger.warning("notice rendering refused to fetch %s", url[:200])
            raise FetchRefusedError(f"refused to fetch {url[:200]}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class Group:
    """Consecutive blocks laid out together (table rows make one table)."""

    kind: str
    blocks: tuple[Block, ...]


def group_blocks(blocks: tuple[Block, ...]) -> list[Group]:
    """Group consecutive blocks of the same kind, in order."""
    groups: list[Group] = []
    for block in blocks:
        if groups and groups[-1].kind == block.kind:
            groups[-1] = Group(block.kind, (*groups[-1].blocks, block))
        else:
            groups.append(Group(block.kind, (block,)))
    return groups


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def notice_html(content: NoticeContent) -> str:
    """The notice as an HTML fragment (``<article class="notice">``), text escaped."""
    template = _environment().get_template("notice_body.html")
    return template.render(groups=group_blocks(content.blocks))


def document_html(fragment: str, *, title: str, reference: str, institution: str) -> str:
    """A whole HTML document around a notice's fragment, for printing."""
    template = _environment().get_template("notice_document.html")
    return template.render(
        body=Markup(fragment),
        title=title,
        reference=reference,
        institution=institution,
    )


def notice_pdf(document: str) -> bytes:
    """Print a notice's HTML document to PDF, fetching nothing but the notice's own files.

    Raises:
        NoticeError: The document asked for another resource (a URL, a file elsewhere).
    """
    try:
        pdf: bytes = HTML(
            string=document, base_url=STATIC.as_uri() + "/", url_fetcher=LocalFetcher()
        ).write_pdf()
    except FatalURLFetchingError as error:
        raise NoticeError(
            f"the notice's HTML asks for a resource it may not have: {error}"
        ) from None
    return pdf
