"""Conversation tests (tests/stories) evaluated by the loaded model: every action must match."""

from pathlib import Path

import pytest
import requests

STORIES = sorted((Path(__file__).resolve().parents[1] / "stories").glob("*.yml"))


@pytest.mark.parametrize("path", STORIES, ids=lambda p: p.name)
def test_every_predicted_action_matches_the_story(stack, path: Path):
    reply = requests.post(
        f"{stack.rasa_url}/model/test/stories",
        params={"token": stack.token},
        data=path.read_bytes(),
        headers={"Content-Type": "application/x-yaml"},
        timeout=600,
    )
    assert reply.ok, reply.text
    actions = reply.json()["actions"]
    assert actions, "no story was evaluated"
    wrong = [a for a in actions if a["action"] != a["predicted"]]
    assert not wrong, f"{len(wrong)} of {len(actions)} actions mispredicted: {wrong[:5]}"
