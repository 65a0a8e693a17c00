"""Sources: which files a sync or a check reads, and each one's content hash.

Finding them (`find_sources`) is where "which files" is decided, once, for check, sync
and the buttons: the formats offices save, in folders exactly as when named; only
regular files; never Excel's owner files, hidden or temporary files, nor salesflow's
own outputs; each file once however the roots overlap. What is found but cannot be a
source (a `.numbers` file, a FIFO named `.csv`, a folder that cannot be listed, a
symlink loop) is listed by its own path with a plain reason, and stops nothing.

A `Source` is one workbook (a file, or a Google spreadsheet) that a sync can read.
Its `content_hash` is computed cheaply up front; the sync reads (`read()`) only the
sources whose hash changed since the last sync, which is what makes a second sync of
a big team cost the one file that changed, not all fifty.

File sources are picklable (their `read` is a `functools.partial` of a module-level
function), so the engine can read many of them in worker processes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path

from sheets_templates.roster import Roster
from sheets_templates.words import Lang, Text

from .reader import FileResult, owner_of, parts_within, read_file

SOURCE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et", ".ett", ".csv"})
"""What offices save registers as: Excel (and its binary and macro forms), LibreOffice,
WPS (`.et`, and `.ett` templates people type into), CSV. The reader tells the format
by content, so a WPS file holding an .xls or .xlsx inside reads either way."""
UNSUPPORTED_SUFFIXES = frozenset(
    {
        ".numbers",  # Apple Numbers
        ".xlt",  # Excel templates and add-ins
        ".xltx",
        ".xltm",
        ".xla",
        ".xlam",
        ".fods",  # flat (XML) OpenDocument
        ".ots",
        ".sxc",  # old StarOffice / OpenOffice
        ".wps",  # Works / WPS
        ".wk1",  # Lotus
        ".wk3",
        ".wk4",
        ".wks",
        ".123",
        ".dbf",
        ".dif",
        ".slk",
        ".tsv",
        ".gsheet",  # a Google Drive shortcut, not the sheet
    }
)
"""Files that look like a spreadsheet but are no format we read: listed, so the rep
hears to save them as .xlsx, instead of vanishing without a word. An `.xml` file is
listed when its content is an Excel 2003 XML spreadsheet (`_is_xml_spreadsheet`)."""

OUTPUT_PROPERTY = "salesflow-output"
"""The custom document property (docProps/custom.xml, a `vt:lpwstr`) salesflow writes
into every workbook it makes that is not a register: a master and its backups
(`OUTPUT_MASTER`), a marked copy (`OUTPUT_MARKED`). Excel, WPS and LibreOffice keep
custom properties when a person saves the file, so such a file is never read as a
source, whatever it is named or wherever it is moved."""
OUTPUT_MASTER = "master"
OUTPUT_MARKED = "marked"
_OUTPUT_NAME = re.compile(r"\.(?:backup-[^.]*|marked)\.[^.]+$", re.IGNORECASE)
"""The names salesflow gives its copies: `总表.backup-20261126-0930.xlsx`, `张三.marked.xlsx`."""
_OUTPUT_MARK = re.compile(rf'name="{OUTPUT_PROPERTY}"'.encode())
_XML_SPREADSHEET = re.compile(
    rb"urn:schemas-microsoft-com:office:spreadsheet|progid=\"Excel\.Sheet\""
)

UNSUPPORTED = Text(
    "格式不支持（{suffix}），未读取：请另存为 .xlsx",
    "format not supported ({suffix}), not read: save it as .xlsx",
)
NOT_A_FILE = Text(
    "不是普通文件（{what}），未读取",
    "not a regular file ({what}), not read",
)
WHAT_FIFO = Text("管道", "a pipe")
WHAT_SOCKET = Text("套接字", "a socket")
WHAT_DEVICE = Text("设备", "a device")
LINK_LOOP = Text(
    "链接形成循环（指向自己或上级文件夹），已跳过",
    "a link that loops back on itself or a parent folder, skipped",
)
LINK_DANGLING = Text(
    "链接指向的文件不存在，已跳过",
    "a link to a file that does not exist, skipped",
)
NOT_FOUND = Text("文件或文件夹不存在", "no such file or folder")
CANNOT_LIST = Text(
    "文件夹无法打开（没有权限？），其中的文件这次没有读取",
    "the folder cannot be listed (no permission?); its files were not read this time",
)
CANNOT_OPEN = Text("无法访问：{reason}", "cannot be reached: {reason}")


@dataclass(frozen=True)
class Found:
    """One entry found under the roots: a file to read, or, when `refused` is set, a
    path listed with the reason it is not read (`refused` is the reason, both languages).

    `root` is the folder named (or a named file's folder): the folders and file name
    below it may name the rep (`reader.owner_of`).
    """

    path: Path
    root: Path
    refused: Text | None = None


def is_ignored(name: str) -> bool:
    """Excel's owner files (`~$x.xlsx`), hidden and temporary files, and the copies
    salesflow names (backups, marked copies) are never sources, nor worth a word."""
    return (
        name.startswith(("~$", ".", "~"))
        or name.endswith((".tmp", ".bak", "#", "~"))
        or _OUTPUT_NAME.search(name) is not None
    )


def is_output(path: Path) -> bool:
    """A workbook salesflow wrote (its custom properties carry `OUTPUT_PROPERTY`)."""
    try:
        with zipfile.ZipFile(path) as archive:
            custom = archive.read("docProps/custom.xml")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False  # not a zip workbook, or no custom properties: not ours
    return _OUTPUT_MARK.search(custom) is not None


def _is_xml_spreadsheet(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return _XML_SPREADSHEET.search(fh.read(4096)) is not None
    except OSError:
        return False


def find_sources(roots: Iterable[Path]) -> list[Found]:
    """Every source under `roots`, in order (a folder is searched recursively, following
    links to folders once each), and every entry there that is not read with its reason.

    A file named directly is taken whatever its suffix, so the user hears why it cannot
    be read, except the files that are never sources (owner files, salesflow's outputs),
    which are skipped as in a folder. A file reached under two roots, or by two paths,
    is found once, under the outermost root (which says most about whose it is).
    """
    found: dict[str, Found] = {}
    for root in roots:
        for entry in _entries(root):
            key = os.path.realpath(entry.path)
            earlier = found.get(key)
            if earlier is None or _is_within(earlier.root, entry.root):
                found[key] = entry
    return list(found.values())


def _is_within(inner: Path, outer: Path) -> bool:
    """Whether folder `inner` lies inside `outer` (and is not `outer` itself)."""
    a, b = os.path.realpath(inner), os.path.realpath(outer)
    return a != b and a.startswith(b.rstrip(os.sep) + os.sep)


def _entries(root: Path) -> Iterable[Found]:
    try:
        st = root.stat()
    except OSError as exc:
        return [Found(root, root.parent, _stat_problem(root, exc))]
    if stat.S_ISDIR(st.st_mode):
        walked: list[Found] = []
        _walk(root, root, {os.path.realpath(root)}, set(), walked)
        return walked
    if is_ignored(root.name):
        return []
    found = _found(root, root.parent, st.st_mode, named=True)
    return [found] if found else []


def _walk(root: Path, folder: Path, above: set[str], seen: set[str], out: list[Found]) -> None:
    """A folder's files by name, then its folders by name (the order `os.walk` gives,
    which the sources have always had). `above` holds the real paths of the folders
    being walked (a link to one of them is a loop), `seen` every folder walked (a
    second link to one is not walked twice)."""
    try:
        with os.scandir(folder) as listing:
            names = sorted(e.name for e in listing if not e.name.startswith("."))
    except OSError:
        out.append(Found(folder, root, CANNOT_LIST))
        return
    folders = []
    for name in names:
        path = folder / name
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            if not is_ignored(name):
                out.append(Found(path, root, _stat_problem(path, exc)))
            continue
        if stat.S_ISDIR(mode):
            folders.append(path)
        elif not is_ignored(name) and (found := _found(path, root, mode, named=False)):
            out.append(found)
    for path in folders:
        real = os.path.realpath(path)
        if real in above:
            out.append(Found(path, root, LINK_LOOP))
        elif real not in seen:
            seen.add(real)
            _walk(root, path, above | {real}, seen, out)


def _found(path: Path, root: Path, mode: int, named: bool) -> Found | None:
    """The entry as found (read, or listed with the reason it is not), or None to pass
    it over in silence: a file that is no spreadsheet at all, or one salesflow wrote."""
    suffix = path.suffix.lower()
    if not stat.S_ISREG(mode):
        what = (
            WHAT_FIFO
            if stat.S_ISFIFO(mode)
            else WHAT_SOCKET
            if stat.S_ISSOCK(mode)
            else WHAT_DEVICE
        )
        return Found(path, root, _filled(NOT_A_FILE, what=what))
    if suffix in SOURCE_SUFFIXES:
        return None if suffix != ".csv" and is_output(path) else Found(path, root)
    if suffix in UNSUPPORTED_SUFFIXES or (suffix == ".xml" and _is_xml_spreadsheet(path)):
        return Found(path, root, _filled(UNSUPPORTED, suffix=suffix))
    return Found(path, root) if named else None


def _filled(text: Text, **values: str | Text) -> Text:
    """A phrase with its placeholders filled, still in both languages."""

    def fill(lang: Lang) -> str:
        return text(lang, **{k: v(lang) if isinstance(v, Text) else v for k, v in values.items()})

    return Text(fill("zh"), fill("en"))


def _stat_problem(path: Path, exc: OSError) -> Text:
    """A plain reason for an entry that cannot even be looked at."""
    if exc.errno == errno.ELOOP:
        return LINK_LOOP
    if exc.errno == errno.ENOENT:
        return LINK_DANGLING if path.is_symlink() else NOT_FOUND
    return _filled(CANNOT_OPEN, reason=exc.strerror or type(exc).__name__)


def refused_result(shown: str, zh: str, en: str) -> FileResult:
    """The result of an entry that is listed, not read (module level: picklable)."""
    return FileResult(shown, error=zh, error_en=en)


def read_found(
    found: list[Found], read: Callable[[list[tuple[Path, Path]]], Iterable[FileResult]]
) -> list[FileResult]:
    """A result for each entry, in the order found: the files through `read` (one pass,
    so it can read them in parallel), the refused with their reason."""
    results = iter(read([(f.path, f.root) for f in found if f.refused is None]))
    return [
        next(results) if f.refused is None else refused_result(_shown(f.path), *f.refused.both())
        for f in found
    ]


HASH_CHUNK = 1 << 20


@dataclass
class Source:
    """One workbook to sync: its path as shown to people, its content hash, its reader
    (a file's takes the team's `roster` as a keyword).

    `kind` is `file` or `google`. A file's `parts` (its folders and name below the folder
    synced) may name its rep and office; `owner` and `office` are what they name by
    the team's roster (`owned_by`).
    """

    path: str
    content_hash: str
    read: Callable[..., FileResult]
    owner: str | None = None
    kind: str = "file"
    parts: tuple[str, ...] = ()
    office: str | None = None

    def owned_by(self, roster: Roster) -> Source:
        """This source read by `roster`: the rep and office its path names (`owner_of`).

        The rep its path names is part of what its records are, so it joins the content
        hash: a roster that changes whose file this is has it read again; a roster
        that only adds other names does not."""
        if not self.parts:
            return self
        owner = owner_of(self.parts, roster)
        content_hash = f"{self.content_hash}|{owner.rep}" if owner.rep else self.content_hash
        read = partial(self.read, roster=roster)
        return replace(
            self, content_hash=content_hash, read=read, owner=owner.rep, office=owner.office
        )


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes; an unreadable file hashes its error, so it is retried."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        return f"unreadable:{type(exc).__name__}"
    return digest.hexdigest()


def source_name(path: Path, root: Path) -> str:
    """A source's name in the store and the master: the folder synced and the path
    within it (`team/王五/电话记录.csv`), the same whichever folder the sync runs in.

    Links are not followed: a link is named where it is (a loop has nowhere else)."""
    full, top = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    try:
        inside = full.relative_to(top)
    except ValueError:
        return full.as_posix()
    return f"{Path(os.path.realpath(top)).name}/{inside.as_posix()}"


def _shown(path: Path) -> str:
    """An entry's path as the user gave it, relative to the working folder where it
    lies inside it; links are not followed (a loop has no resolved path)."""
    full = os.path.abspath(path)
    inside = os.path.relpath(full, os.getcwd())
    return full if inside.startswith("..") else inside


def file_sources(
    dirs: list[Path], as_of: date | None = None, exclude: Iterable[Path] = ()
) -> list[Source]:
    """Every source file under `dirs` (recursively; a file's name and folders may name
    its rep: `Source.owned_by`).

    `as_of` gives a year to dates typed without one (default today). `exclude` keeps
    files out that live among the sources but are not sources, such as the master
    workbook and its backups when the manager keeps them in the team folder.
    """
    day = as_of or date.today()
    skip = {os.path.realpath(p) for p in exclude}
    sources = []
    for found in find_sources(dirs):
        path, root = found.path, found.root
        if os.path.realpath(path) in skip:
            continue
        parts: tuple[str, ...] = ()
        if found.refused is None:
            content_hash, read = file_hash(path), partial(read_file, path, root, day)
            parts = parts_within(path, root)
        else:
            zh, en = found.refused.both()
            content_hash = f"refused:{en}"
            read = partial(refused_result, _shown(path), zh, en)
        sources.append(
            Source(
                path=source_name(path, root),
                content_hash=content_hash,
                read=read,
                parts=parts,
            )
        )
    return sources
