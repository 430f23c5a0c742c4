"""HTML and PDF rendering: the notice's own style sheet only, nothing fetched from anywhere else."""

from __future__ import annotations

import socket
import threading

import pytest

from bot.notices.content import NoticeContent, NoticeError
from bot.notices.render import document_html, group_blocks, notice_html, notice_pdf
from bot.scripts.document import parse_document, plain_text
from tests.unit.notices.conftest import pdf_text

SAMPLE = """# 信用卡欠款告知函
尊敬的{name}：
## 一、欠款情况
| 本金 | 100.00元 |
| 利息 | 1.00元 |
以上金额以我行账务记录为准。
> 示例银行信用卡中心
> （盖章）
"""


def _content(name: str = "张伟") -> NoticeContent:
    blocks = tuple(parse_document(SAMPLE.format(name=name)))
    return NoticeContent("notices.sample", 1, "信用卡欠款告知函", blocks, plain_text(list(blocks)))


def _document(fragment: str) -> str:
    return document_html(
        fragment, title="信用卡欠款告知函", reference="N000009-01", institution="示例银行"
    )


def test_the_fragment_lays_the_blocks_out_and_escapes_the_text() -> None:
    html = notice_html(_content("<b>张伟</b>"))
    assert "<h1>信用卡欠款告知函</h1>" in html and "<h2>一、欠款情况</h2>" in html
    assert html.count("<table") == 1 and '<th scope="row">利息</th><td>1.00元</td>' in html
    assert '<div class="closing">' in html and "<p>（盖章）</p>" in html
    assert "&lt;b&gt;张伟&lt;/b&gt;" in html and "<b>" not in html
    assert [g.kind for g in group_blocks(_content().blocks)] == [
        "title",
        "paragraph",
        "heading",
        "row",
        "paragraph",
        "closing",
    ]


def test_the_pdf_uses_the_notices_style_sheet(tmp_path) -> None:
    text = pdf_text(notice_pdf(_document(notice_html(_content()))), tmp_path)
    assert "尊敬的张伟：" in text and "本金100.00元" in text
    assert "N000009-011/1" in text  # the page footer comes from notice.css (@page, string-set)


@pytest.fixture
def listener():
    """A local TCP server that counts the connections it gets."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            connections.append(connection)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_a_remote_url_stops_the_rendering_without_a_request(listener) -> None:
    port, connections = listener
    fragment = f'<p>x</p><img src="http://127.0.0.1:{port}/seal.png">'
    with pytest.raises(NoticeError, match="may not have"):
        notice_pdf(_document(fragment))
    css = f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">x</p>'
    with pytest.raises(NoticeError):
        notice_pdf(_document(css))
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "../templates/notice_body.html",  # out of static/ by a relative path
        "file://example.com/etc/hostname",
        "data:text/css,p{color:red}",
    ],
)
def test_files_outside_the_notices_static_folder_are_refused(url: str) -> None:
    with pytest.raises(NoticeError):
        notice_pdf(_document(f'<link rel="stylesheet" href="{url}"><p>x</p>'))
