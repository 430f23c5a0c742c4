"""The WeChat Official Account channel (``credentials.yml``: ``bot.channels.wechat.WeChatInput``).

- :mod:`~bot.channels.wechat.channel`: the Rasa input channel and its output channel;
- :mod:`~bot.channels.wechat.config`: the settings (``WECHAT_*``);
- :mod:`~bot.channels.wechat.envelope`: signatures, replay window, AES envelope and XML
  (through wechatpy);
- :mod:`~bot.channels.wechat.customer_service`: replies after the deadline, and outreach;
- :mod:`~bot.channels.wechat.subscriptions`: follow and unfollow in ``channel_addresses``.

Set-up, modes, limits and what is not built: ``docs/wechat.md``.
"""

from bot.channels.wechat.channel import WeChatInput, WeChatOutput

__all__ = ["WeChatInput", "WeChatOutput"]
