"""``python -m bot.web``: serve the web app (``WEB_HOST``:``WEB_PORT``, default 127.0.0.1:8000)."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot import settings
from bot.db.masking import PiiMaskingFilter
from bot.settings import ConfigError
from bot.web.app import create_app
from bot.web.config import WebConfig

logger = logging.getLogger(__name__)


def main() -> int:
    """Read the configuration from the environment and serve until interrupted."""
    handler = logging.StreamHandler()
    handler.addFilter(PiiMaskingFilter())
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    try:
        config = WebConfig.from_env()
        settings.current()  # the policy, scripts and clock settings, checked before serving
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    logger.info("web app on http://%s:%s (Rasa at %s)", config.host, config.port, config.rasa_url)
    if config.secure_cookies:
        logger.info("cookies are HTTPS-only: serve behind TLS, or set WEB_DEV=1 on a laptop")
    web.run_app(create_app(config), host=config.host, port=config.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
