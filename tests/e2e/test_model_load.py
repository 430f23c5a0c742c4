"""The model loaded without DIET's training step predicts exactly as Rasa's load does.

:mod:`bot.rasa_patches.model_load` skips the one-example ``fit`` Rasa runs to build DIET's
weights. Two processes load the same model, with and without the patch, and parse the same
held-out messages: the intent rankings and confidences must be identical.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import MODEL, ROOT, TODAY

MESSAGES = 120

PARSE = """
import asyncio, json, sys
from pathlib import Path
import yaml
from bot import rasa_patches
rasa_patches.apply()
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[1])
msgs = []
for block in yaml.safe_load(Path("tests/nlu/test_nlu.yml").read_text())["nlu"]:
    msgs += [l[2:].strip() for l in block.get("examples", "").splitlines() if l.startswith("- ")]
msgs = msgs[:: max(1, len(msgs) // int(sys.argv[2]))]
async def parse():
    return [await agent.parse_message(m) for m in msgs]
out = [[(r["name"], r["confidence"]) for r in p["intent_ranking"]] for p in asyncio.run(parse())]
print(json.dumps(out))
"""


def _parses(off: str) -> list:
    env = {**os.environ, "RASA_PATCHES_OFF": off, "BOT_TODAY": TODAY, "LOG_LEVEL": "ERROR"}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    done = subprocess.run(
        [sys.executable, "-c", PARSE, str(MODEL), str(MESSAGES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")
def test_predictions_are_identical_with_and_without_the_training_step() -> None:
    patched, stock = _parses(""), _parses("model_load")
    assert len(patched) >= MESSAGES // 2
    assert patched == stock
