"""Borrowers that keep a transcript: every message, its status, its answer, its timing.

The load benchmark's borrowers (:mod:`bot.bench.borrower`) only count; the fault tests need
to know what each message got. The conversation and the client addresses are the benchmark's
(:func:`bot.bench.conversation.conversation`, :func:`bot.bench.borrower.client_address`): one
demo customer per borrower, verified with correct data, each borrower from its own 127.0.x.y
address so that nginx's per-address limits apply to each one.

A borrower answered with the approved "unavailable" reply does what the reply asks: tries the
same message again after :data:`RETRY_PAUSE_SECONDS`, at most :data:`MAX_TRIES` times; so does a
borrower who got nginx's own 503 (the tests count those: they are failures of the layout). Any
other failure (another status, no answer within :data:`REQUEST_TIMEOUT_SECONDS`, an answer that
is not the expected one) ends the conversation, which then counts as lost.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from bot.bench.borrower import REQUEST_TIMEOUT_SECONDS, client_address
from bot.bench.conversation import Step, conversation

UNAVAILABLE = "暂时无法回复"
HOTLINE = "400-800-0000"
RECOVERED = "刚才处理您的消息时出了点问题"  # fallback.recovered: the circuit breaker tripped
EDGE_UNAVAILABLE = "temporarily unavailable"  # deploy/nginx/edge.conf.template, @unavailable
RETRIED = ("unavailable", "edge_503")
THINK_SECONDS = 1.0
RETRY_PAUSE_SECONDS = 1.0
MAX_TRIES = 10


@dataclass
class Exchange:
    """One message and what came back."""

    text: str
    sent_at: float  # time.monotonic()
    seconds: float = 0.0
    status: int | None = None  # None: no HTTP answer (timeout, connection refused)
    texts: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def kind(self) -> str:
        """``normal``, ``unavailable`` (the approved reply with the hotline), ``edge_503``
        (nginx's own "temporarily unavailable": no instance gave an answer) or ``failed``."""
        if self.status == 503 and EDGE_UNAVAILABLE in self.error:
            return "edge_503"
        if self.status != 200 or not self.texts or not all(self.texts):
            return "failed"
        said = " ".join(self.texts)
        if RECOVERED in said:
            return "failed"
        if UNAVAILABLE in said:
            return "unavailable" if HOTLINE in said else "failed"
        return "normal"

    def describe(self) -> str:
        """One line for a failure report."""
        detail = self.error or " / ".join(self.texts)[:120]
        return f"{self.text!r} -> {self.status} in {self.seconds:.1f} s: {detail}"


@dataclass
class Transcript:
    """One borrower's conversation."""

    index: int
    sender: str
    address: str
    exchanges: list[Exchange] = field(default_factory=list)
    finished: bool = False
    problem: str = ""


@dataclass
class Run:
    """A load run: the transcripts and, when a fault was injected, when it began and ended."""

    transcripts: list[Transcript]
    fault_window: tuple[float, float] | None = None
    seconds: float = 0.0

    def exchanges(self) -> list[Exchange]:
        """Every exchange of every borrower."""
        return [ex for t in self.transcripts for ex in t.exchanges]

    def kinds(self) -> dict[str, int]:
        """How many exchanges of each kind."""
        counts = {"normal": 0, "unavailable": 0, "edge_503": 0, "failed": 0}
        for ex in self.exchanges():
            counts[ex.kind] += 1
        return counts


async def _send(http: aiohttp.ClientSession, url: str, sender: str, text: str) -> Exchange:
    exchange = Exchange(text, time.monotonic())
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    try:
        async with http.post(
            url, json={"sender": sender, "message": text}, timeout=timeout
        ) as reply:
            exchange.status = reply.status
            body = await reply.json(content_type=None)
        if isinstance(body, list):
            exchange.texts = [m.get("text", "") for m in body if isinstance(m, dict)]
        else:
            exchange.error = str(body)[:200]
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        exchange.error = f"{type(error).__name__} {error}"
    exchange.seconds = time.monotonic() - exchange.sent_at
    return exchange


async def _step(
    http: aiohttp.ClientSession,
    url: str,
    transcript: Transcript,
    step: Step,
    rng: random.Random,
    answered: Callable[[], None],
) -> bool:
    """Send one step (again while it gets "unavailable"); False when the conversation is lost."""
    for _ in range(MAX_TRIES):
        exchange = await _send(http, url, transcript.sender, step.text)
        transcript.exchanges.append(exchange)
        answered()
        if exchange.kind == "failed":
            transcript.problem = exchange.describe()
            return False
        if exchange.kind == "normal":
            if step.expect and not any(step.expect in text for text in exchange.texts):
                transcript.problem = f"expected {step.expect!r}: {exchange.describe()}"
                return False
            return True
        await asyncio.sleep(RETRY_PAUSE_SECONDS * rng.uniform(0.5, 1.5))
    transcript.problem = f"still unavailable after {MAX_TRIES} tries: {exchange.describe()}"
    return False


async def _borrower(
    url: str, transcript: Transcript, rng: random.Random, answered: Callable[[], None]
) -> Transcript:
    connector = aiohttp.TCPConnector(local_addr=(transcript.address, 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        await asyncio.sleep(THINK_SECONDS * rng.uniform(0.0, 2.0))  # borrowers arrive spread
        for step in conversation(transcript.index):
            if not await _step(http, url, transcript, step, rng, answered):
                return transcript
            await asyncio.sleep(THINK_SECONDS * rng.uniform(0.5, 1.5))
    transcript.finished = True
    return transcript


async def _drive(
    url: str,
    transcripts: list[Transcript],
    fault: Callable[[], None] | None,
    fault_after: int,
    seed: int,
) -> Run:
    started = time.monotonic()
    count = 0
    reached = asyncio.Event()

    def answered() -> None:
        nonlocal count
        count += 1
        if count >= fault_after:
            reached.set()

    run = Run(transcripts)

    async def inject() -> None:
        if fault is None:
            return
        await reached.wait()
        began = time.monotonic()
        try:
            await asyncio.to_thread(fault)
        finally:
            run.fault_window = (began, time.monotonic())

    talks = [_borrower(url, t, random.Random(seed * 1000 + t.index), answered) for t in transcripts]
    injector = asyncio.create_task(inject())
    await asyncio.gather(*talks)
    if fault is not None:
        reached.set()  # a fault planned after the last answer still runs, so it is restored
    await injector
    run.seconds = time.monotonic() - started
    return run


def drive(
    url: str,
    prefix: str,
    borrowers: int,
    first: int = 0,
    fault: Callable[[], None] | None = None,
    fault_after: int = 0,
    seed: int = 11,
) -> Run:
    """``borrowers`` borrowers hold one conversation each against ``url`` (the edge's webhook).

    Borrower ``i`` (from ``first``) is demo customer ``i % 3``, sends from
    :func:`client_address` ``(i)`` as sender ``{prefix}-{i}``. With ``fault``, it is called in
    a thread once ``fault_after`` messages were answered, while the borrowers go on; the run
    returns when every conversation ended and the fault returned.
    """
    transcripts = [
        Transcript(i, f"{prefix}-{i}", client_address(i)) for i in range(first, first + borrowers)
    ]
    return asyncio.run(_drive(url, transcripts, fault, fault_after, seed))
