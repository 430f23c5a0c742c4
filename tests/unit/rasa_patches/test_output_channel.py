"""A named output channel that cannot send fails the request instead of collecting silently."""

import inspect
from types import SimpleNamespace
from typing import Any

import pytest
import rasa.server
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

from bot.rasa_patches import output_channel
from bot.rasa_patches.output_channel import UnknownOutputChannelError, get_output_channel


class Pusher(OutputChannel):
    @classmethod
    def name(cls) -> str:
        return "wechat"


class Channel:
    """An input channel as Rasa registers it: a name and maybe an output channel."""

    def __init__(self, name: str, output: OutputChannel | None) -> None:
        self._name, self._output = name, output

    def name(self) -> str:
        return self._name

    def get_output_channel(self) -> OutputChannel | None:
        return self._output


def _request(query: dict[str, str], *channels: Channel) -> Any:
    return SimpleNamespace(
        args=query, app=SimpleNamespace(ctx=SimpleNamespace(input_channels=channels))
    )


SERVER = (Channel("rest", None), Channel("wechat", Pusher()))


def test_a_registered_channel_that_can_push_is_used() -> None:
    assert isinstance(
        get_output_channel(_request({"output_channel": "wechat"}, *SERVER), None), Pusher
    )


@pytest.mark.parametrize("name", ["telegram", "rest"])
def test_a_channel_not_served_here_or_unable_to_push_is_refused(name: str) -> None:
    # Rasa itself would answer with a collector: the event stored, nothing delivered, a 200.
    request = _request({"output_channel": name}, *SERVER)
    assert type(output_channel.RASA_GET_OUTPUT_CHANNEL(request, None)) is CollectingOutputChannel
    with pytest.raises(UnknownOutputChannelError, match=name):
        get_output_channel(request, None)


def test_no_channel_named_and_latest_collect_as_before() -> None:
    assert type(get_output_channel(_request({}, *SERVER), None)) is CollectingOutputChannel
    tracker = SimpleNamespace(get_latest_input_channel=lambda: "rest")
    collected = get_output_channel(_request({"output_channel": "latest"}, *SERVER), tracker)
    assert type(collected) is CollectingOutputChannel


def test_apply_replaces_the_function_the_routes_call() -> None:
    original = rasa.server._get_output_channel
    try:
        output_channel.apply()
        assert rasa.server._get_output_channel is get_output_channel
        # The routes look the module's function up when they run, so the patch reaches them;
        # in append_events the error is caught (500) before the tracker is saved.
        source = inspect.getsource(rasa.server.create_app)
        route = source[source.index("async def append_events") :]
        route = route[: route.index("def _get_events_from_request_body")]
        assert route.index("_get_output_channel(request, tracker)") < route.index(
            "tracker_store.save(tracker)"
        )
        assert "except Exception" in route
    finally:
        rasa.server._get_output_channel = original
