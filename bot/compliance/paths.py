"""Where the guard's data and model live, relative to the repository root."""

from __future__ import annotations

from pathlib import Path

#: Repository root (the package is installed editable from it).
ROOT = Path(__file__).resolve().parents[2]
#: Labelled training sentences, one YAML file per category.
TRAIN_DIR = ROOT / "data" / "compliance"
#: Held-out test sentences, same format; never used for training.
TEST_DIR = ROOT / "tests" / "compliance"
#: Trained model (ignored by git; rebuilt by ``python -m bot.compliance.train``).
MODEL_DIR = ROOT / "var" / "models" / "guard"
MODEL_FILE = "guard.npz"
