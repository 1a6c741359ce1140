"""One-time household codes: their alphabet and how they are typed and printed. Pure."""

from __future__ import annotations

# 10 characters of an alphabet without 0/O, 1/I/L: 31**10, about 8 * 10**14 possibilities.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def normalise_code(text: str) -> str:
    """What the household typed, as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())[:32]


def format_code(code: str) -> str:
    """ABCDEFGHJK -> ABCDE-FGHJK (easier to read aloud and to type)."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code
