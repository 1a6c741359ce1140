"""Who acts for the user when it is not the user at the keyboard (an API token): named in the
reason of every audit record written while it is set (audit.services), so a token's writes can
be told apart from the same user's own."""

import contextlib
import contextvars

_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="")


@contextlib.contextmanager
def acting_through(label: str):
    """Audit records written inside this block say they came through `label`."""
    marker = _channel.set(label)
    try:
        yield
    finally:
        _channel.reset(marker)


def with_channel(reason: str) -> str:
    channel = _channel.get()
    return f"{reason} [{channel}]".strip() if channel else reason
