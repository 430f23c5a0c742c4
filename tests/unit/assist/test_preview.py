import inspect

from bot.assist.preview import PreviewStore
from bot.dialogue.store import Store


def test_preview_store_defines_every_store_method_explicitly() -> None:
    wanted = {name for name in vars(Store) if not name.startswith("_")}
    assert wanted <= set(vars(PreviewStore)), wanted - set(vars(PreviewStore))
    assert "__getattr__" not in vars(PreviewStore)
    for name in wanted:
        ours = inspect.signature(getattr(PreviewStore, name))
        theirs = inspect.signature(getattr(Store, name))
        assert list(ours.parameters) == list(theirs.parameters), name
