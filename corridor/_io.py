"""Atomic file writes: a reader never sees a half-written output file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from corridor._errors import CorridorError


def check_output_path(path: str | Path, suffixes: Sequence[str], *, what: str) -> Path:
    """Check, before any work, that ``path`` names a file of one of ``suffixes`` (not a folder).

    Parameters
    ----------
    path
        The output file.
    suffixes
        Accepted file name endings, lower case with the dot (``".csv"``).
    what
        What the file holds, for the message (``"figure"``, ``"HTML file"``).

    Raises
    ------
    CorridorError
        One line naming the path and what is valid.
    """
    target = Path(path)
    if target.is_dir():
        msg = f"{target}: is a folder; give the {what}'s file name, e.g. {target / ('corridor' + suffixes[0])}"
        raise CorridorError(msg)
    if target.suffix.lower() not in suffixes:
        msg = f"{target}: unknown {what} format '{target.suffix}'; give a name ending in {' or '.join(suffixes)}"
        raise CorridorError(msg)
    return target


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    Parameters
    ----------
    path
        The file to write. Its folder is created if missing.
    """
    target = Path(path)
    if target.is_dir():
        msg = f"{target}: is a folder; give a file name"
        raise CorridorError(msg)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileExistsError:
        msg = f"{target}: cannot write: a file stands where a folder of its path should be"
        raise CorridorError(msg) from None
    except OSError as exc:
        msg = f"{target}: cannot write: {exc.strerror or exc}"
        raise CorridorError(msg) from None
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); outputs are meant to be shared, so use the umask.
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        msg = f"{target}: cannot write: {exc.strerror or exc}"
        raise CorridorError(msg) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
