"""Reading user text files: UTF-8 with or without a byte-order mark, nothing else.

Every reader of a user file (device TOML, PWL input, weights, spikes, LIF parameters) goes
through :func:`read_text`, so one file is read the same way everywhere: a UTF-8 byte-order mark
is dropped (spreadsheet programs write one), any other encoding is refused with the byte offset
of the first bad byte, and binary files (NUL bytes) are refused.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputFileError

__all__ = ["read_text", "MAX_TEXT_BYTES"]

#: Largest text file read, in bytes (a 10 x 10 000 weight file is a few MB).
MAX_TEXT_BYTES = 512 * 1024 * 1024


def read_text(path: str | Path, what: str = "file") -> str:
    """The text of ``path``, decoded as UTF-8 (a leading byte-order mark dropped).

    Parameters
    ----------
    path : path
        The file.
    what : str
        What the file is, for messages (``"device file"``, ``"--input PWL file"``).

    Raises
    ------
    InputFileError
        If the file is missing, not a regular file, unreadable, larger than
        :data:`MAX_TEXT_BYTES`, binary, or not UTF-8; the message names the file.
    """
    p = Path(path)
    try:
        if not p.is_file():
            raise InputFileError(p, f"{what}: no such file" if not p.exists() else f"{what}: not a regular file")
        size = p.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputFileError(p, f"{what}: {size} bytes; a text file of at most {MAX_TEXT_BYTES} bytes is allowed")
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(p, f"{what}: cannot be read ({exc.strerror or exc})") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputFileError(p, f"{what}: binary data (a NUL byte at offset {nul}); expected a UTF-8 text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(p, f"{what}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                             "save the file as UTF-8") from None
