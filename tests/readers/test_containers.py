"""The zip container of every file we write, parsed byte by byte (not with `zipfile`,
which accepts what stricter readers refuse): `[Content_Types].xml` first, plain local
headers (version 2.0, no data descriptor, real sizes and CRC), no ZIP64 field or record
anywhere, and a central directory that says the same as the local headers."""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import Written
from .test_reader_matrix import KINDS

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
ZIP64_END = b"PK\x06\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_EXTRA = 0x0001
DATA_DESCRIPTOR = 0x0008
NO_SIZE = 0xFFFFFFFF


@dataclass(frozen=True)
class Entry:
    """What a header (local or central) says about one part."""

    name: str
    version: int
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    extra_ids: tuple[int, ...]
    offset: int
    content: bytes = field(default=b"", compare=False, repr=False)
    """The part's bytes, decompressed (local headers only)."""


def extra_ids(extra: bytes) -> tuple[int, ...]:
    ids = []
    while len(extra) >= 4:
        header_id, length = struct.unpack("<HH", extra[:4])
        ids.append(header_id)
        extra = extra[4 + length :]
    return tuple(ids)


def local_entries(data: bytes) -> tuple[list[Entry], int]:
    """The local headers from the start of the file with their parts' bytes, and where
    the central directory must begin. (A ZIP64 header's real compressed size is in its
    extra field, after the uncompressed one.)"""
    entries, at = [], 0
    while data[at : at + 4] == LOCAL:
        version, flags, method, _time, _date, crc, compressed, size, n, m = struct.unpack(
            "<HHHHHIIIHH", data[at + 4 : at + 30]
        )
        name = data[at + 30 : at + 30 + n].decode()
        extra = data[at + 30 + n : at + 30 + n + m]
        length = compressed
        if compressed == NO_SIZE and extra_ids(extra)[:1] == (ZIP64_EXTRA,):
            length = struct.unpack("<Q", extra[12:20])[0]
        body = data[at + 30 + n + m : at + 30 + n + m + length]
        content = zlib.decompress(body, -15) if method == zipfile.ZIP_DEFLATED else body
        entries.append(
            Entry(
                name, version, flags, method, crc, compressed, size, extra_ids(extra), at, content
            )
        )
        at += 30 + n + m + length
    return entries, at


def central_entries(data: bytes, at: int) -> tuple[list[Entry], int]:
    entries = []
    while data[at : at + 4] == CENTRAL:
        fields = struct.unpack("<HHHHHHIIIHHHHHII", data[at + 4 : at + 46])
        _made, version, flags, method, _t, _d, crc, compressed, size, n, m, k = fields[:12]
        offset = fields[15]
        name = data[at + 46 : at + 46 + n].decode()
        extra = data[at + 46 + n : at + 46 + n + m]
        entries.append(
            Entry(name, version, flags, method, crc, compressed, size, extra_ids(extra), offset)
        )
        at += 46 + n + m + k
    return entries, at


@pytest.mark.parametrize("kind", KINDS)
def test_the_container_is_conventional(written: Written, kind: str) -> None:
    data = written.files[kind].read_bytes()
    local, directory_start = local_entries(data)
    central, end_at = central_entries(data, directory_start)
    assert local and local[0].name == "[Content_Types].xml"
    assert central == local  # same names, versions, flags, sizes, CRCs, offsets, extras
    for entry in local:
        assert entry.method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED), entry
        assert (len(entry.content), zlib.crc32(entry.content)) == (entry.size, entry.crc), entry
        assert entry.version == 20, entry  # 2.0: deflate, no ZIP64 (4.5)
        assert not entry.flags & DATA_DESCRIPTOR, entry  # sizes in the header itself
        assert NO_SIZE not in (entry.compressed, entry.size), entry
        assert ZIP64_EXTRA not in entry.extra_ids, entry
    assert data[end_at : end_at + 4] == END  # straight after the directory: no ZIP64 end
    assert ZIP64_END not in data[directory_start:] and ZIP64_LOCATOR not in data[directory_start:]
    disk, start_disk, here, total, size, offset, comment = struct.unpack(
        "<HHHHIIH", data[end_at + 4 : end_at + 22]
    )
    assert (disk, start_disk, here, total) == (0, 0, len(local), len(local))
    assert (offset, size) == (directory_start, end_at - directory_start)
    assert end_at + 22 + comment == len(data)


def test_the_parser_sees_zip64_where_there_is_some(tmp_path: Path) -> None:
    """The old master's container (a part written with force_zip64) fails the checks."""
    path = tmp_path / "zip64.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet/>")
    local, directory_start = local_entries(path.read_bytes())
    central, _end = central_entries(path.read_bytes(), directory_start)
    assert local[1].content == b"<worksheet/>"
    assert local[1].version == 45 and ZIP64_EXTRA in local[1].extra_ids
    assert local[1].size == NO_SIZE
    assert central[1] != local[1]  # the directory says 2.0 with plain sizes
