"""Logs inside `.zip` and `.gz` archives.

Each member is decompressed to a temporary file, one at a time, and read like a file of its
own; its name in reports is `archive.zip!member`. A damaged archive or member is reported
and what could be decompressed before the damage is still read.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from kqlhunt.normalize.model import Skipped

_COPY_BUFFER = 1 << 20


def zip_members(path: Path, display: str) -> Iterator[tuple[str, Path | None, Skipped | None]]:
    """The members of a zip archive as temporary files.

    Yields:
        (display name, temporary file or None, a `Skipped` when the member or the archive is
        damaged). The file is deleted when the next member is requested.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield display, None, Skipped(display, "byte 0", f"not a readable zip archive: {exc}")
        return
    with archive, tempfile.TemporaryDirectory(prefix="kqlhunt-") as folder:
        for number, info in enumerate(archive.infolist(), 1):
            if info.is_dir():
                continue
            name = f"{display}!{info.filename}"
            target = Path(folder, f"member-{number}")
            problem = None
            try:
                with archive.open(info) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink, _COPY_BUFFER)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
                problem = Skipped(name, "byte 0", f"damaged archive member: {exc}")
            yield name, target if target.exists() else None, problem
            target.unlink(missing_ok=True)


def gzip_member(path: Path, display: str) -> Iterator[tuple[str, Path | None, Skipped | None]]:
    """The content of a gzip file as one temporary file (see `zip_members`)."""
    stem = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    name = f"{display}!{stem}"
    with tempfile.TemporaryDirectory(prefix="kqlhunt-") as folder:
        target = Path(folder, "member")
        problem = None
        written = 0
        # zlib directly, not `gzip.open`: what decompresses before a damaged or missing end
        # is kept (gzip.open loses the last block it was decoding).
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            with path.open("rb") as source, target.open("wb") as sink:
                while chunk := source.read(_COPY_BUFFER):
                    while chunk:
                        data = inflater.decompress(chunk)
                        sink.write(data)
                        written += len(data)
                        chunk = inflater.unused_data
                        if inflater.eof and chunk:  # another gzip member follows
                            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        else:
                            chunk = b""
            if not inflater.eof:
                problem = Skipped(name, f"byte {written}", "damaged gzip data: cut short")
        except (zlib.error, OSError) as exc:
            problem = Skipped(name, f"byte {written}", f"damaged gzip data: {exc}")
        yield name, target if written else None, problem
