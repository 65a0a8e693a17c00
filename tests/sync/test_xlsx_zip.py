"""The master's zip container (`sync.xlsx_zip`): a part deflated partly by another
process reads back whole, with the CRC `zipfile` checks, and every header is the plain
one stricter readers insist on."""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from sync.xlsx_zip import Deflated, ZipWriter, crc32_combine, deflated

WHEN = (2026, 11, 30, 9, 30, 0)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 31, 32, 33, 4096, 65_537, 1_000_003])
def test_crc32_combine_is_the_crc_of_the_two_together(length: int) -> None:
    rng = random.Random(length)
    a, b = rng.randbytes(rng.randrange(5000)), rng.randbytes(length)
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def rows(first: int, count: int) -> list[bytes]:
    """XML-like pieces that repeat (so deflate refers back within a piece)."""
    return [
        f'<row r="{n}"><c r="A{n}"><v>{n % 7}</v></c></row>'.encode()
        for n in range(first, first + count)
    ]


def test_a_part_with_pieces_deflated_elsewhere_reads_back_whole(tmp_path: Path) -> None:
    """Bytes deflated here, a piece deflated apart (as a forked child does), more bytes
    here, another piece, and an empty piece: one part, which `zipfile` inflates (and
    checks against the CRC) to all of them in order."""
    path = tmp_path / "book.xlsx"
    head, middle, tail = rows(1, 500), rows(501, 3000), rows(3501, 200)
    with path.open("wb") as fh:
        out = ZipWriter(fh)
        with out.part("[Content_Types].xml", WHEN) as part:
            part.write(b"<Types/>")
        with out.part("xl/worksheets/sheet1.xml", WHEN) as part:
            part.write(b"".join(head))
            part.splice(Deflated.of(b"".join(deflated(middle))))
            part.write(b"".join(tail))
            part.splice(Deflated.of(b"".join(deflated(rows(3701, 5)))))
            part.splice(Deflated.of(b"".join(deflated([]))))
        out.close()
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        assert book.namelist() == ["[Content_Types].xml", "xl/worksheets/sheet1.xml"]
        whole = b"".join(head + middle + tail + rows(3701, 5))
        assert book.read("xl/worksheets/sheet1.xml") == whole
        assert book.getinfo("xl/worksheets/sheet1.xml").date_time == WHEN


def test_every_local_header_is_plain_and_says_what_the_directory_says(tmp_path: Path) -> None:
    """Version 2.0, no data descriptor (flag bit 3), deflate, and the real CRC and sizes
    in the local header itself: SheetJS and ExcelJS read those, not the directory."""
    path = tmp_path / "book.xlsx"
    with path.open("wb") as fh:
        out = ZipWriter(fh)
        for n in range(3):
            with out.part(f"xl/part{n}.xml", WHEN) as part:
                part.write(b"".join(rows(1, 100 * n)))
        out.close()
    data = path.read_bytes()
    with zipfile.ZipFile(path) as book:
        for info in book.infolist():
            at = info.header_offset
            fields = struct.unpack("<4s5H3L2H", data[at : at + 30])
            signature, version, flags, method, _time, _date, crc, packed, size, _n, extra = fields
            assert signature == b"PK\x03\x04" and (version, flags, method, extra) == (20, 0, 8, 0)
            assert (crc, packed, size) == (info.CRC, info.compress_size, info.file_size)
            assert info.create_version == info.extract_version == 20
