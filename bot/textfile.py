"""Reading the files people hand to Casebook (roster, incidents, program) with one clear line per problem.

Spreadsheets and editors produce UTF-16, Latin-1, BOMs and the odd binary file; a path may
be a device (``/dev/zero``) or far too big. Each is refused before parsing, naming the file,
what is wrong and what to do, so an import either reads clean text or touches nothing.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

MAX_INPUT_BYTES = 5 * 1024 * 1024  # a 10,000-person roster is well under 1 MB
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_AS = "save it as UTF-8 text"
_EXCEL = " (in Excel: File > Save As > CSV UTF-8)"


class InputFileError(ValueError):
    """A file that cannot be read as text; ``str(exc)`` is one line for the person who gave it."""


def _decode(path: Path, data: bytes, what: str) -> str:
    save_as = _SAVE_AS + (_EXCEL if path.suffix.lower() == ".csv" else "")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path}: the {what} is UTF-16 text; {save_as}")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputFileError(f"{path}: the {what} is not text (a NUL byte at offset {nul}); {save_as}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise InputFileError(
            f"{path}: the {what} is not UTF-8 (byte 0x{bad:02x} at offset {exc.start}; "
            f"Latin-1 or Windows-1252?); {save_as}"
        ) from None


def read_text_file(path: Path, *, what: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of ``path``, or :class:`InputFileError` saying why not."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(f"{path}: the {what} must be a regular file, not a device or directory")
        if info.st_size > max_bytes:
            raise InputFileError(
                f"{path}: the {what} is {info.st_size:,} bytes; the limit is {max_bytes:,} (the right file?)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise InputFileError(f"{path}: the {what} grew past {max_bytes:,} bytes while being read")
    text = _decode(path, data, what)
    match = _CONTROL.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        code = f"U+{ord(match.group()):04X}"
        raise InputFileError(f"{path}:{line}: the {what} contains a control character ({code}); remove it")
    return text
