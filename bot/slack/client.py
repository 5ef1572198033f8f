"""WebClient factory: honours SLACK_API_URL and retries 429, 5xx and connection errors."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def make_client(settings: Settings, *, retries: bool = True, timeout: int = 10) -> WebClient:
    """A WebClient for the bot token; ``retries=False`` for the ledger, which retries itself."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.api_url, timeout=timeout)
    if retries:
        client.retry_handlers = [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    else:
        client.retry_handlers = []
    return client
