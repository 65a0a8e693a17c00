"""The master's zip container, written here rather than by `zipfile`, so that one part
can be deflated in pieces by two processes: a forked child deflates the half of a big
sheet it renders (`deflated`), and this process splices those bytes into the part
(`Part.splice`) instead of deflating them again (0.17 s of a 95k-row calls sheet).

The container is the conventional one Excel writes, which stricter readers (SheetJS,
ExcelJS, Gnumeric) insist on: parts in the order given, each with a plain local header
(version 2.0, no data descriptor, no ZIP64) holding its real CRC and sizes, as the
central directory does. A part deflated in pieces is still one deflate stream: every
piece but the last ends on a byte boundary and is not final (`Z_SYNC_FLUSH`), and none
refers back past its own start; its CRC is the pieces' CRCs combined (`crc32_combine`).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

LEVEL = 1
"""zlib's fastest level: a master is written on every refresh, and level 1 makes a
95k-row calls sheet about a fifth bigger than level 6 in a third of the time."""

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20
"""Version 2.0 of the zip format: deflate, nothing newer."""
_DEFLATE = 8
_LIMIT = 0xFFFFFFFF
"""Sizes and offsets a header without ZIP64 holds."""


class ContainerTooLarge(ValueError):
    """A part or the whole file past 4 GiB, which a plain zip header cannot say: far
    beyond any master (Excel's row limit comes long before)."""


def _squeezer() -> zlib._Compress:
    return zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw deflate


def _times(vec: int, matrix: list[int]) -> int:
    """A 32-bit vector times a 32×32 matrix over GF(2) (columns as ints)."""
    total, n = 0, 0
    while vec:
        if vec & 1:
            total ^= matrix[n]
        vec >>= 1
        n += 1
    return total


def _squared(matrix: list[int]) -> list[int]:
    return [_times(column, matrix) for column in matrix]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from A's CRC, B's CRC and B's length (zlib's
    `crc32_combine`, which Python's zlib does not offer): A's CRC is run through
    `len2` zero bytes by operators squared from the one of a zero bit, then B's is
    added."""
    zeros = [0xEDB88320] + [1 << n for n in range(31)]  # the operator of one zero bit
    for _ in range(3):
        zeros = _squared(zeros)  # of 2, 4, then 8 zero bits: a zero byte
    while len2:  # of 2**k zero bytes for each bit k of len2
        if len2 & 1:
            crc1 = _times(crc1, zeros)
        len2 >>= 1
        if len2:
            zeros = _squared(zeros)
    return crc1 ^ crc2


_TRAILER = struct.Struct("<LQ")


@dataclass(frozen=True)
class Deflated:
    """Bytes deflated elsewhere, to be spliced into a part (`Part.splice`): raw
    deflate data ending on a byte boundary, not final, and the CRC and length of the
    bytes they hold."""

    data: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, made: bytes) -> Deflated:
        """`deflated`'s bytes read back."""
        crc, size = _TRAILER.unpack(made[-_TRAILER.size :])
        return cls(made[: -_TRAILER.size], crc, size)


def deflated(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """`pieces` deflated to be spliced into a part, as bytes (a forked child's spool
    takes bytes): the deflate data, then its CRC and length (`Deflated.of`)."""
    squeeze = _squeezer()
    crc = size = 0
    for piece in pieces:
        crc, size = zlib.crc32(piece, crc), size + len(piece)
        if out := squeeze.compress(piece):
            yield out
    yield squeeze.flush(zlib.Z_SYNC_FLUSH)
    yield _TRAILER.pack(crc, size)


class Part:
    """A part being written: bytes given are deflated here, pieces deflated elsewhere
    are spliced in between."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.crc = self.size = self.packed = 0
        self.squeeze = _squeezer()

    def write(self, data: bytes) -> None:
        self.crc, self.size = zlib.crc32(data, self.crc), self.size + len(data)
        self._out(self.squeeze.compress(data))

    def splice(self, piece: Deflated) -> None:
        """Put `piece` next: what this part deflated so far ends on a byte boundary,
        and what comes after is deflated anew, never referring back into `piece`."""
        self._out(self.squeeze.flush(zlib.Z_SYNC_FLUSH))
        self._out(piece.data)
        self.crc, self.size = crc32_combine(self.crc, piece.crc, piece.size), self.size + piece.size
        self.squeeze = _squeezer()

    def finish(self) -> None:
        self._out(self.squeeze.flush())

    def _out(self, data: bytes) -> None:
        self.fh.write(data)
        self.packed += len(data)


@dataclass(frozen=True)
class _Entry:
    name: bytes
    when: tuple[int, int]
    crc: int
    packed: int
    size: int
    offset: int


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    """(time, date) as a zip header keeps them."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


class ZipWriter:
    """Parts written one after the other to a seekable file, then the directory
    (`close`)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.entries: list[_Entry] = []

    @contextmanager
    def part(self, name: str, date_time: tuple[int, int, int, int, int, int]) -> Iterator[Part]:
        """A part named `name`: its header is written with its real CRC and sizes once
        the block ends (the file is seekable, so no data descriptor follows it)."""
        encoded, when, offset = name.encode(), _dos(date_time), self.fh.tell()
        self.fh.write(
            _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, _DEFLATE, *when, 0, 0, 0, len(encoded), 0)
        )
        self.fh.write(encoded)
        part = Part(self.fh)
        yield part
        part.finish()
        if max(part.packed, part.size, offset) > _LIMIT:
            raise ContainerTooLarge(name)
        end = self.fh.tell()
        self.fh.seek(offset + 14)  # the CRC and sizes of the local header
        self.fh.write(struct.pack("<3L", part.crc, part.packed, part.size))
        self.fh.seek(end)
        self.entries.append(_Entry(encoded, when, part.crc, part.packed, part.size, offset))

    def close(self) -> None:
        """The central directory, then its end record."""
        start = self.fh.tell()
        for e in self.entries:
            self.fh.write(
                _CENTRAL.pack(
                    b"PK\x01\x02",
                    _VERSION,
                    _VERSION,
                    0,
                    _DEFLATE,
                    *e.when,
                    e.crc,
                    e.packed,
                    e.size,
                    len(e.name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    e.offset,
                )
            )
            self.fh.write(e.name)
        end = self.fh.tell()
        if end > _LIMIT:
            raise ContainerTooLarge("")
        count = len(self.entries)
        self.fh.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, end - start, start, 0))
