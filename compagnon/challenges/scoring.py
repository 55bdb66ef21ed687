"""Score a submission CSV against a challenge's hidden solution, on plain files, fast.

The interface other code calls (keep these names)::

    solution = Solution.from_csv(path, id_column="id", target_columns=["target"],
                                 usage_column="Usage")    # parse + validate once
    solution.save(path); solution = Solution.load(path)   # Arrow IPC, memory-mapped
    result = score_submission(solution, submission, metric="rmse")  # path or bytes
    result.public, result.private

Three exceptions, all `ScoringError`:

- `SolutionError`: the solution (or the choice of metric for it) is wrong; the message
  is for the organiser and may quote the solution.
- `SubmissionError`: the participant's file is wrong; the message is for the
  participant and quotes only the submission (never a solution id, value or target;
  missing ids are counted, not listed).

The fast path is one multithreaded `pyarrow.csv` read with the column types fixed
in advance, an id -> row lookup built once per loaded solution (a dense table for
integer ids, a sorted index otherwise), a scatter of the predictions into the
solution's row order, and a numpy metric over both splits. Anything unusual falls
to a slow path whose only job is a good error message. See docs/scoring.md.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compagnon.challenges.fairness import (
    CELLS,
    FAIRNESS_LABELS,
    FAIRNESS_METRICS,
    NEEDS_NEGATIVES,
    NEEDS_POSITIVES,
    split_counts,
)
from compagnon.challenges.metrics import (
    KIND_LABEL,
    KIND_PROBABILITY,
    KIND_RANKING,
    KIND_VALUE,
    METRICS,
    Metric,
    MetricUndefinedError,
)

FORMAT_VERSION = 1
EXAMPLES = 5  # how many offending submission values an error message quotes
HEAD_BYTES = 1 << 20  # the header line must fit in the first MiB
BLOCK_BYTES = 1 << 22  # the CSV is parsed in blocks of 4 MiB, never read whole
DENSE_FACTOR = 4  # integer ids use a dense lookup table when max - min < 4 n

Source = str | os.PathLike[str] | bytes | bytearray | memoryview


class ScoringError(Exception):
    """Base of the scorer's errors; `str(error)` is the message to show."""


class SolutionError(ScoringError):
    """The solution file, or the metric chosen for it, cannot be used (for the organiser)."""


class SubmissionError(ScoringError):
    """The submission cannot be scored; the message is safe to show to the participant."""


@dataclass(frozen=True)
class ScoreResult:
    public: float
    private: float
    metric: str
    rows: int
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    # Every metric scored (the primary one included): name -> value, per split.
    public_metrics: dict[str, float] = field(default_factory=dict)
    private_metrics: dict[str, float] = field(default_factory=dict)


# --- reading helpers ---------------------------------------------------------------


def _quote(value: Any, limit: int = 40) -> str:
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return repr(text) if isinstance(value, str) else text


def _line(row: int) -> int:
    """The line of a data row in the file, the header being line 1."""
    return row + 2


def _materialise(source: Any) -> Any:
    """A path or bytes; an open file (an upload, say) is read into memory once."""
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        return source.read()
    return source


def _open_source(source: Any) -> Any:
    """Something pyarrow.csv can read: a path or an in-memory buffer."""
    if isinstance(source, bytes | bytearray | memoryview):
        return pa.BufferReader(pa.py_buffer(bytes(source)))
    if hasattr(source, "read"):
        return pa.BufferReader(pa.py_buffer(source.read()))
    return os.fspath(source)


def _head(source: Any) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source[:HEAD_BYTES])
    with open(os.fspath(source), "rb") as handle:
        return handle.read(HEAD_BYTES)


def _header(head: bytes, error: type[ScoringError]) -> list[str]:
    """The header's column names, stripped; refuses empty files and other separators."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.strip():
        raise error(_("The file is empty."))
    first, newline, _rest = head.partition(b"\n")
    if not newline and len(head) >= HEAD_BYTES:
        raise error(_("The first line is too long to be a CSV header."))
    try:
        text = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        raise error(_("The file is not UTF-8 text. Save it as CSV UTF-8.")) from None
    names = [name.strip() for name in next(csv.reader([text]), [])]
    if len(names) <= 1 and (";" in text or "\t" in text):
        separator = _("semicolons") if ";" in text else _("tabs")
        raise error(
            _("The columns are separated by %(separator)s: use commas (,) between columns.")
            % {"separator": separator}
        )
    return names


def _check_header(names: list[str], expected: list[str], error: type[ScoringError]) -> None:
    seen: set[str] = set()
    twice = [name for name in names if name in seen or seen.add(name)]  # type: ignore[func-returns-value]
    missing = [name for name in expected if name not in seen]
    extra = [name for name in names if name not in expected]
    if not (twice or missing or extra):
        return
    parts = [
        _("The header must name exactly these columns, in any order: %(columns)s.")
        % {"columns": ", ".join(expected)}
    ]
    if missing:
        parts.append(_("Missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if extra:
        parts.append(
            _("Unexpected: %(columns)s.") % {"columns": ", ".join(_quote(n) for n in extra[:10])}
        )
    if twice:
        parts.append(
            _("Named twice: %(columns)s.") % {"columns": ", ".join(_quote(n) for n in twice[:10])}
        )
    raise error(" ".join(parts))


def _csv_reader(
    source: Any,
    names: list[str],
    types: dict[str, pa.DataType],
    *,
    use_threads: bool = True,
    invalid_row_handler: Any = None,
) -> pacsv.CSVStreamingReader:
    """pyarrow's streaming CSV reader: the file is parsed block by block, never held whole."""
    return pacsv.open_csv(
        _open_source(source),
        read_options=pacsv.ReadOptions(
            use_threads=use_threads, skip_rows=1, column_names=names, block_size=BLOCK_BYTES
        ),
        parse_options=pacsv.ParseOptions(delimiter=",", invalid_row_handler=invalid_row_handler),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            null_values=[""],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=True,
        ),
    )


def _read_table(
    source: Any, names: list[str], types: dict[str, pa.DataType], error: type[ScoringError]
) -> pa.Table:
    """The fast path: a streamed read with the types fixed; the slow path explains.

    Streamed block by block (BLOCK_BYTES), so the memory is the parsed columns plus a
    block or two, whatever the file's size; a bad file is also explained by streaming.
    """
    try:
        reader = _csv_reader(source, names, types)
        return pa.Table.from_batches(list(reader), schema=reader.schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        pass
    raise error(_explain_unreadable(source, names, types))


def _explain_unreadable(source: Any, names: list[str], types: dict[str, pa.DataType]) -> str:
    """Find why the fast read failed (slow; only runs on bad files), one block at a time."""
    invalid: list[Any] = []

    def first_invalid_row(row: Any) -> str:
        invalid.append(row)
        return "error"

    offset = 0
    try:
        reader = _csv_reader(
            source,
            names,
            dict.fromkeys(names, pa.string()),
            use_threads=False,  # so that the invalid row's line number is known
            invalid_row_handler=first_invalid_row,
        )
        for batch in reader:
            message = _explain_batch(batch, names, types, offset)
            if message:
                return message
            offset += batch.num_rows
    except (pa.ArrowInvalid, UnicodeDecodeError):
        if invalid and invalid[0].number is not None:
            row = invalid[0]
            return _("Line %(line)s has %(found)s values; the header has %(expected)s columns.") % {
                "line": row.number,
                "found": row.actual_columns,
                "expected": row.expected_columns,
            }
        return _explain_structure(source, len(names))
    return _("The file could not be read as CSV.")


def _explain_batch(
    batch: pa.RecordBatch, names: list[str], types: dict[str, pa.DataType], offset: int
) -> str:
    """Why a block of string columns does not convert to `types` ("" when it does)."""
    for name in names:
        wanted = types.get(name)
        if wanted is None or pa.types.is_string(wanted):
            continue
        column = batch.column(name)
        row = _first_uncastable(column, wanted)
        if row is not None:
            value = column[row].as_py()
            if pa.types.is_integer(wanted):
                return _(
                    "Column %(column)s, line %(line)s: %(value)s is not a whole number "
                    "(this challenge's ids are whole numbers)."
                ) % {"column": _quote(name), "line": _line(offset + row), "value": _quote(value)}
            return _("Column %(column)s, line %(line)s: %(value)s is not a number.") % {
                "column": _quote(name),
                "line": _line(offset + row),
                "value": _quote(value),
            }
    return ""


def _first_uncastable(column: pa.Array, wanted: pa.DataType) -> int | None:
    """The first row that does not convert, by halving (linear work, all in Arrow)."""

    def fails(chunk: pa.Array) -> bool:
        try:
            pc.cast(chunk, wanted)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return True
        return False

    if not fails(column):
        return None
    low, high = 0, len(column)
    while high - low > 1:
        middle = (low + high) // 2
        if fails(column.slice(low, middle - low)):
            high = middle
        else:
            low = middle
    return low


def _lines(source: Any) -> Iterator[bytes]:
    """The file's lines as bytes, read as a stream (bytes sources are not copied)."""
    if isinstance(source, bytes | bytearray | memoryview):
        yield from io.BytesIO(source)
        return
    with open(os.fspath(source), "rb") as handle:
        yield from handle


def _explain_structure(source: Any, width: int) -> str:
    """The first line that is not UTF-8 or has the wrong number of values, line by line."""
    position = {"line": 0}

    def decoded() -> Iterator[str]:
        for number, raw in enumerate(_lines(source), start=1):
            position["line"] = number
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")

    reader = csv.reader(decoded())
    try:
        next(reader, None)
        for row in reader:
            if not row:
                continue
            if len(row) != width:
                return _(
                    "Line %(line)s has %(found)s values; the header has %(expected)s columns."
                ) % {"line": reader.line_num, "found": len(row), "expected": width}
    except UnicodeDecodeError:
        return _("Line %(line)s is not UTF-8 text. Save the file as CSV UTF-8.") % position
    except csv.Error:
        pass
    return _("The file could not be read as CSV.")


def _float_column(table: pa.Table, name: str, error: type[ScoringError]) -> np.ndarray:
    column = table.column(name)
    if column.null_count:
        row = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
        raise error(
            _("Column %(column)s, line %(line)s is empty.")
            % {"column": _quote(name), "line": _line(row)}
        )
    values = column.to_numpy()
    if values.dtype != np.float64:
        values = values.astype(np.float64)
    if not np.isfinite(values).all():
        row = int(np.flatnonzero(~np.isfinite(values))[0])
        raise error(
            _(
                "Column %(column)s, line %(line)s: %(value)s is not accepted; "
                "give a finite number (no NaN or infinity)."
            )
            % {"column": _quote(name), "line": _line(row), "value": values[row]}
        )
    return values


_HASH_MULTIPLIER = np.uint64(0x100000001B3)  # FNV prime; any odd constant works


def _string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (n + 1) and the bytes of a string array, without copying."""
    if array.null_count:
        array = pc.fill_null(array, "")
    offset_type: type[np.signedinteger[Any]] = np.int64
    if not pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
        offset_type = np.int32
    _validity, offsets_buffer, data_buffer = array.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[
        array.offset : array.offset + len(array) + 1
    ]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer else np.zeros(0, np.uint8)
    return offsets.astype(np.int64), data


def string_keys(array: pa.Array, *, force_hash: bool = False) -> tuple[np.ndarray, bool]:
    """A uint64 key per string, vectorised; True when the keys are exact (no hashing).

    Same-length ids of at most 8 bytes are packed into the key as they are (exact).
    Otherwise (or with `force_hash`) a polynomial hash over the bytes mixed with the
    length: equal strings get equal keys; different ones almost surely do not, and the
    scorer checks.
    """
    offsets, data = _string_buffers(array)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    if n == 0:
        return np.zeros(0, dtype=np.uint64), True
    width = int(lengths[0])
    if not force_hash and 0 < width <= 8 and (lengths == width).all():
        block = data[offsets[0] : offsets[-1]].reshape(n, width).astype(np.uint64)
        keys = np.zeros(n, dtype=np.uint64)
        for column in range(width):
            keys = (keys << np.uint64(8)) | block[:, column]
        return keys, True
    # One pass per character position, each over n strings (no per-byte temporaries).
    starts = offsets[:-1]
    last_byte = max(len(data) - 1, 0)
    keys = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    shortest = int(lengths.min())
    with np.errstate(over="ignore"):
        for position in range(int(lengths.max())):
            if position < shortest:
                keys *= _HASH_MULTIPLIER
                keys += data[starts + position]
                continue
            longer = lengths > position
            index = np.minimum(starts + position, last_byte)
            keys = np.where(longer, keys * _HASH_MULTIPLIER + data[index], keys)
    return keys, False


# --- the solution ------------------------------------------------------------------


class Solution:
    """The hidden ground truth: ids, target column(s) and the public/private split.

    Parsed and validated once (`from_csv`), stored as one Arrow IPC file (`save`),
    memory-mapped back (`load`). The id -> row lookup is built when loaded.
    """

    def __init__(
        self,
        *,
        id_column: str,
        target_columns: Sequence[str],
        ids: pa.Array,
        targets: Sequence[pa.Array],
        public: np.ndarray,
        usage_column: str = "Usage",
        sensitive_column: str = "",
        groups: np.ndarray | None = None,
    ) -> None:
        self.id_column = id_column
        self.target_columns = list(target_columns)
        self.usage_column = usage_column
        self.ids = ids
        self.targets = list(targets)
        self.public_mask = public
        # The sensitive attribute, as codes 0..G-1 (never its values: nothing to leak).
        self.sensitive_column = sensitive_column
        self.groups = groups
        self._derived: dict[str, Any] = {}
        self._checked: dict[str, str | None] = {}
        self._build_lookup()

    # -- sizes used by the app
    @property
    def n_rows(self) -> int:
        return len(self.ids)

    @property
    def n_public(self) -> int:
        return int(np.count_nonzero(self.public_mask))

    @property
    def n_private(self) -> int:
        return self.n_rows - self.n_public

    def __len__(self) -> int:
        return self.n_rows

    @property
    def integer_ids(self) -> bool:
        return pa.types.is_integer(self.ids.type)

    # -- parse and validate
    @classmethod
    def from_csv(
        cls,
        path: Source,
        *,
        id_column: str = "id",
        target_columns: Sequence[str] = ("target",),
        usage_column: str = "Usage",
        metric: str | None = None,
        sensitive_column: str = "",
        metrics: Sequence[str] = (),
    ) -> Solution:
        """Read and check the organiser's CSV; `metric` and `metrics`, when given, are checked.

        `sensitive_column` names the sensitive attribute the fairness metrics group by.
        """
        target_columns = list(target_columns)
        path = _materialise(path)
        if not target_columns:
            raise SolutionError(_("Name at least one target column."))
        names = _header(_head(path), SolutionError)
        by_lower = {name.lower(): name for name in names}
        usage_name = usage_column if usage_column in names else by_lower.get(usage_column.lower())
        if usage_name is None:
            raise SolutionError(
                _("The solution has no %(column)s column (Public/Private for each row).")
                % {"column": _quote(usage_column)}
            )
        required = [id_column, *target_columns] + ([sensitive_column] if sensitive_column else [])
        missing = [name for name in required if name not in names]
        if missing:
            raise SolutionError(
                _("The solution has no column named %(columns)s. Its columns: %(found)s.")
                % {
                    "columns": ", ".join(_quote(n) for n in missing),
                    "found": ", ".join(_quote(n) for n in names),
                }
            )
        if len(set(names)) != len(names):
            raise SolutionError(_("Two columns of the solution have the same name."))
        table = _read_table(path, names, dict.fromkeys(names, pa.string()), SolutionError)
        if table.num_rows == 0:
            raise SolutionError(_("The solution has a header but no rows."))
        ids = _solution_ids(table.column(id_column).combine_chunks())
        public = _solution_usage(table.column(usage_name).combine_chunks())
        targets = [_solution_target(table.column(n).combine_chunks(), n) for n in target_columns]
        groups, labels = None, None
        if sensitive_column:
            groups, labels = _solution_groups(table.column(sensitive_column).combine_chunks())
        solution = cls(
            id_column=id_column,
            target_columns=target_columns,
            ids=ids,
            targets=targets,
            public=public,
            usage_column=usage_column,
            sensitive_column=sensitive_column,
            groups=groups,
        )
        # For the organiser's messages only: never saved, so never loaded to score.
        solution._derived["group_labels"] = labels
        for name in [metric, *metrics] if metric is not None else metrics:
            solution.check_metric(name)
        return solution

    # -- storage
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write one uncompressed Arrow IPC file at exactly `path`."""
        columns = {"id": self.ids, "public": pa.array(self.public_mask.view(np.int8))}
        for index, target in enumerate(self.targets):
            columns[f"t{index}"] = target
        if self.groups is not None:
            columns["group"] = pa.array(self.groups.astype(np.int32))
        metadata = {
            "format": FORMAT_VERSION,
            "id_column": self.id_column,
            "target_columns": self.target_columns,
            "usage_column": self.usage_column,
            "sensitive_column": self.sensitive_column,
        }
        table = pa.table(columns).replace_schema_metadata({"compagnon": json.dumps(metadata)})
        tmp = f"{os.fspath(path)}.tmp"
        with pa.OSFile(tmp, "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Solution:
        with pa.memory_map(os.fspath(path), "r") as source:
            table = ipc.open_file(source).read_all().combine_chunks()
        raw = (table.schema.metadata or {}).get(b"compagnon")
        if raw is None:
            raise SolutionError(_("This is not a parsed solution file."))
        metadata = json.loads(raw)
        if metadata.get("format") != FORMAT_VERSION:
            raise SolutionError(_("This parsed solution was written by another version."))

        def single(name: str) -> pa.Array:
            column = table.column(name)
            return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()

        public = single("public").to_numpy(zero_copy_only=False).view(np.bool_)
        targets = [single(f"t{i}") for i in range(len(metadata["target_columns"]))]
        groups = None
        if "group" in table.column_names:
            groups = single("group").to_numpy(zero_copy_only=False).astype(np.int64)
        return cls(
            id_column=metadata["id_column"],
            target_columns=metadata["target_columns"],
            usage_column=metadata.get("usage_column", "Usage"),
            ids=single("id"),
            targets=targets,
            public=public,
            sensitive_column=metadata.get("sensitive_column", ""),
            groups=groups,
        )

    # -- id lookup
    def _build_lookup(self) -> None:
        """Integer ids: a dense table when compact; otherwise sorted 64-bit keys.

        String ids get 64-bit keys from `string_keys` (exact when every id has the
        same length of at most 8 bytes, a hash otherwise, then checked exactly).
        """
        n = self.n_rows
        self._dense: np.ndarray | None = None
        self._low = 0
        self._exact_keys = True
        if self.integer_ids:
            keys = self.ids.to_numpy()
            low, high = int(keys.min()), int(keys.max())
            if high - low < DENSE_FACTOR * n + 1024:
                index_type = np.int32 if n < 2**31 - 1 else np.int64
                dense = np.full(high - low + 1, -1, dtype=index_type)
                dense[keys - low] = np.arange(n, dtype=index_type)
                self._dense, self._low = dense, low
                return
        else:
            keys, self._exact_keys = string_keys(self.ids)
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_rows = order
        # Two solution ids with the same hash: fall back to sorting the strings themselves.
        self._key_collision = bool(
            n > 1 and (self._sorted_keys[1:] == self._sorted_keys[:-1]).any()
        )
        if self._key_collision:
            string_order = pc.sort_indices(self.ids)
            self._sorted_ids = self.ids.take(string_order)
            self._sorted_rows = string_order.to_numpy()

    def rows_for(self, ids: pa.Array) -> np.ndarray:
        """The solution row of each submission id; raise SubmissionError unless a permutation."""
        n = self.n_rows
        if self._dense is not None:
            values = ids.to_numpy()
            span = len(self._dense)
            if len(values) and (values.min() < self._low or values.max() >= self._low + span):
                return self._explain_ids(ids)
            rows = self._dense[values - self._low] if self._low else self._dense[values]
            if len(rows) == n and (rows >= 0).all():
                seen = np.zeros(n, dtype=np.bool_)
                seen[rows] = True
                if seen.all():
                    return rows
            return self._explain_ids(ids)
        if len(ids) != n:
            return self._explain_ids(ids)
        if ids.equals(self.ids):  # the sample submission's order: nothing to move
            return np.arange(n)
        if self._key_collision:
            order_array = pc.sort_indices(ids)
            if not ids.take(order_array).equals(self._sorted_ids):
                return self._explain_ids(ids)
            order = order_array.to_numpy()
        else:
            keys = ids.to_numpy() if self.integer_ids else string_keys(ids)[0]
            order = np.argsort(keys, kind="stable")
            same = np.array_equal(keys[order], self._sorted_keys)
            del keys  # freed before an explanation, which needs memory of its own
            if not same:
                del order
                return self._explain_ids(ids)
        rows = np.empty(n, dtype=np.int64)
        rows[order] = self._sorted_rows
        del order
        if not self._exact_keys and not self._same_strings(ids, rows):
            return self._explain_ids(ids)  # a hash collision with a foreign id
        return rows

    def _same_strings(self, ids: pa.Array, rows: np.ndarray) -> bool:
        """Whether submission id i is exactly solution id rows[i], compared a slice at a time
        (no second copy of every id string)."""
        step = 1 << 20
        for start in range(0, len(ids), step):
            piece = rows[start : start + step]
            if not self.ids.take(pa.array(piece)).equals(ids.slice(start, len(piece))):
                return False
        return True

    def _known(self, ids: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
        """(a 64-bit key per submission id, whether each is the challenge's), from the lookup
        built at load: numpy arrays of n, no hash table of the strings. None when two solution
        ids share a key (then Arrow compares the strings)."""
        if self._dense is not None:
            keys = ids.to_numpy()
            inside = (keys >= self._low) & (keys < self._low + len(self._dense))
            known = np.zeros(len(keys), dtype=np.bool_)
            known[inside] = self._dense[keys[inside] - self._low] >= 0
            return keys, known
        if self._key_collision or not len(self._sorted_keys):
            return None
        if self.integer_ids:
            keys = ids.to_numpy()
            comparable = np.ones(len(keys), dtype=np.bool_)
        elif self._exact_keys:
            # The solution's ids are packed (one length, at most 8 bytes): pack the ids of
            # that length the same way; an id of another length is not the challenge's.
            width = len(self.ids[0].as_py().encode())
            lengths = pc.binary_length(ids).to_numpy(zero_copy_only=False)
            comparable = lengths == width
            keys = np.zeros(len(ids), dtype=np.uint64)
            if comparable.any():
                packed = ids.filter(pa.array(comparable))
                keys[comparable] = string_keys(packed)[0]
            # Keys of the others only group their duplicates (hashed; never compared to ours).
            if not comparable.all():
                others = ids.filter(pa.array(~comparable))
                keys[~comparable] = string_keys(others, force_hash=True)[0] | np.uint64(1 << 63)
        else:
            keys = string_keys(ids, force_hash=True)[0]
            comparable = np.ones(len(keys), dtype=np.bool_)
        position = np.searchsorted(self._sorted_keys, keys).clip(0, len(self._sorted_keys) - 1)
        return keys, comparable & (self._sorted_keys[position] == keys)

    def _explain_ids(self, ids: pa.Array) -> np.ndarray:
        """Count missing, duplicated and unknown ids; quote only the submission's."""
        found = self._known(ids)
        if found is not None:
            keys, known = found
            _unique, first, freq = np.unique(keys, return_index=True, return_counts=True)
            del _unique
            twice = ids.take(pa.array(np.sort(first[freq > 1])))
            unknown = ids.take(pa.array(np.flatnonzero(~known)))
            distinct_known = int(np.count_nonzero(known[first]))
            if not (len(twice) or len(unknown) or self.n_rows - distinct_known):
                found = None  # keys agree, strings do not (a hash collision): compare strings
        if found is None:
            known = pc.is_in(ids, value_set=self.ids).to_numpy(zero_copy_only=False)
            unknown = ids.filter(pa.array(~known))
            counts = pc.value_counts(ids)
            values, freq = counts.field("values"), counts.field("counts").to_numpy()
            twice = values.filter(pa.array(freq > 1))
            distinct_known = len(values) - len(pc.unique(unknown)) if len(unknown) else len(values)
        missing = self.n_rows - distinct_known
        parts = []
        if missing:
            parts.append(
                ngettext("%(count)s id is missing.", "%(count)s ids are missing.", missing)
                % {"count": missing}
            )
        if len(twice):
            parts.append(
                ngettext(
                    "%(count)s id appears more than once, for example: %(examples)s.",
                    "%(count)s ids appear more than once, for example: %(examples)s.",
                    len(twice),
                )
                % {"count": len(twice), "examples": _examples(twice)}
            )
        if len(unknown):
            parts.append(
                ngettext(
                    "%(count)s id is not one of this challenge's, for example: %(examples)s.",
                    "%(count)s ids are not this challenge's, for example: %(examples)s.",
                    len(unknown),
                )
                % {"count": len(unknown), "examples": _examples(unknown)}
            )
        raise SubmissionError(
            _("The ids must be exactly the challenge's ids, each once.") + " " + " ".join(parts)
        )

    # -- truth in the form each kind of metric wants (cached)
    def _derive(self, key: str, build: Any) -> Any:
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    def _values(self) -> np.ndarray:
        def build() -> np.ndarray:
            columns = []
            for name, target in zip(self.target_columns, self.targets, strict=True):
                if not pa.types.is_floating(target.type):
                    raise SolutionError(
                        _("Target column %(column)s must hold numbers for this metric.")
                        % {"column": _quote(name)}
                    )
                columns.append(target.to_numpy())
            return columns[0] if len(columns) == 1 else np.column_stack(columns)

        return self._derive("values", build)

    def _label_codes(self) -> tuple[np.ndarray, np.ndarray | pa.Array]:
        def build() -> tuple[np.ndarray, Any]:
            if len(self.targets) != 1:
                raise SolutionError(_("A label metric needs exactly one target column."))
            target = self.targets[0]
            if pa.types.is_floating(target.type):
                classes, codes = np.unique(target.to_numpy(), return_inverse=True)
                return codes.astype(np.int64), classes
            encoded = pc.dictionary_encode(target)
            dictionary = encoded.dictionary
            order = pc.sort_indices(dictionary).to_numpy()
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            codes = rank[encoded.indices.to_numpy()]
            return codes, dictionary.take(pa.array(order))

        return self._derive("labels", build)

    def _probability_truth(self) -> np.ndarray:
        def build() -> np.ndarray:
            values = self._values()
            if values.ndim == 1:
                if not np.isin(values, (0.0, 1.0)).all():
                    raise SolutionError(
                        _(
                            "For a probability metric with one target column, the targets "
                            "must be 0 or 1."
                        )
                    )
                return values.astype(np.int64)
            if not (np.isin(values, (0.0, 1.0)).all() and (values.sum(axis=1) == 1).all()):
                raise SolutionError(
                    _(
                        "For a multiclass probability metric, give one target column per "
                        "class with a single 1 on each row (one-hot)."
                    )
                )
            return values.argmax(axis=1).astype(np.int64)

        return self._derive("probability", build)

    def _relevances(self) -> list[dict[str, float]]:
        def build() -> list[dict[str, float]]:
            if len(self.targets) != 1:
                raise SolutionError(_("A ranking metric needs exactly one target column."))
            rows = []
            for line, cell in enumerate(self.targets[0].cast(pa.string()).to_pylist()):
                relevant: dict[str, float] = {}
                for token in (cell or "").split():
                    item, _sep, grade = token.partition(":")
                    try:
                        relevant[item] = float(grade) if grade else 1.0
                    except ValueError:
                        raise SolutionError(
                            _("Line %(line)s: %(token)s is not item or item:relevance.")
                            % {"line": _line(line), "token": _quote(token)}
                        ) from None
                rows.append(relevant)
            return rows

        return self._derive("relevances", build)

    def check_metric(self, metric: str) -> Metric | None:
        """Raise SolutionError when `metric` cannot score this solution (checked once).

        Returns the registry entry; None for a fairness metric (not in the registry).
        """
        entry = METRICS.get(metric)
        if entry is None and metric not in FAIRNESS_METRICS:
            raise SolutionError(_("Unknown metric %(metric)s.") % {"metric": _quote(metric)})
        if metric in self._checked:
            problem = self._checked[metric]
            if problem:
                raise SolutionError(problem)
            return entry
        try:
            if entry is None:
                self._check_fairness(metric)
            else:
                self._check(entry)
        except (SolutionError, MetricUndefinedError) as error:
            self._checked[metric] = str(error)
            raise SolutionError(str(error)) from None
        self._checked[metric] = None
        return entry

    # -- fairness: the sensitive attribute, and a 0/1 truth (1: the favourable outcome)
    def _binary_truth(self) -> np.ndarray:
        def build() -> np.ndarray:
            if len(self.targets) != 1 or not pa.types.is_floating(self.targets[0].type):
                raise SolutionError(
                    _("A fairness metric needs one target column of 0 and 1 (1 is favourable).")
                )
            values = self.targets[0].to_numpy()
            if not np.isin(values, (0.0, 1.0)).all() or np.unique(values).size != 2:
                raise SolutionError(
                    _(
                        "For a fairness metric the target must be 0 or 1 (1 is the favourable "
                        "outcome), with both present."
                    )
                )
            return values == 1.0

        return self._derive("binary_truth", build)

    @property
    def group_count(self) -> int:
        return int(self.groups.max()) + 1 if self.groups is not None and len(self.groups) else 0

    def _fairness_base(self) -> np.ndarray:
        """Per row, the bincount cell of a 0 decision: public * G * 4 + group * 4 + truth * 2."""

        def build() -> np.ndarray:
            assert self.groups is not None
            base = self.public_mask.astype(np.int64) * (self.group_count * CELLS)
            base += self.groups * CELLS
            base += self._binary_truth() * 2
            return base

        return self._derive("fairness_base", build)

    def fairness_cells(self, decisions: np.ndarray) -> np.ndarray:
        """Counts per split, group and (truth, decision): one bincount over the rows."""
        cell = self._fairness_base() + decisions
        return np.bincount(cell, minlength=2 * self.group_count * CELLS)

    def _group_name(self, code: int) -> str:
        labels = self._derived.get("group_labels")
        return _quote(labels[code]) if labels is not None else str(code)

    def _check_fairness(self, name: str) -> None:
        if self.groups is None:
            raise SolutionError(
                _(
                    "%(metric)s needs the sensitive attribute: name its column in the challenge "
                    "(the solution must hold it)."
                )
                % {"metric": FAIRNESS_LABELS[name]}
            )
        truth = self._binary_truth()
        groups, size = self.groups, self.group_count
        for part, mask in ((_("public"), self.public_mask), (_("private"), ~self.public_mask)):
            rows = np.bincount(groups[mask], minlength=size)
            positives = np.bincount(groups[mask & truth], minlength=size)
            present = rows > 0
            if np.count_nonzero(present) < 2:
                raise SolutionError(
                    _(
                        "The %(part)s rows hold a single group of the sensitive attribute: "
                        "%(metric)s compares two groups or more."
                    )
                    % {"part": part, "metric": FAIRNESS_LABELS[name]}
                )
            lacking = []
            if name in NEEDS_POSITIVES:
                lacking += [
                    (code, _("no positive row"))
                    for code in np.flatnonzero(present & (positives == 0))
                ]
            if name in NEEDS_NEGATIVES:
                lacking += [
                    (code, _("no negative row"))
                    for code in np.flatnonzero(present & (positives == rows))
                ]
            if lacking:
                code, what = lacking[0]
                raise SolutionError(
                    _(
                        "In the %(part)s rows, group %(group)s of the sensitive attribute has "
                        "%(what)s: %(metric)s is undefined for it."
                    )
                    % {
                        "part": part,
                        "group": self._group_name(int(code)),
                        "what": what,
                        "metric": FAIRNESS_LABELS[name],
                    }
                )

    def _check(self, entry: Metric) -> None:
        public = self.public_mask
        if entry.kind == KIND_VALUE:
            values = self._values()
            if entry.name == "mape" and np.any(values == 0):
                raise SolutionError(
                    _("MAPE is undefined when a true value is 0: choose SMAPE or MAE.")
                )
        elif entry.kind == KIND_LABEL:
            self._label_codes()
        elif entry.kind == KIND_PROBABILITY:
            truth = self._probability_truth()
            if entry.needs_two_classes:
                n_classes = max(2, len(self.targets))
                for part, mask in ((_("public"), public), (_("private"), ~public)):
                    present = np.bincount(truth[mask], minlength=n_classes)
                    if (present == 0).any() or (present == mask.sum()).any():
                        raise SolutionError(
                            _(
                                "%(metric)s needs every class among the %(part)s rows, and "
                                "rows of another class too; the %(part)s split has a "
                                "single class."
                            )
                            % {"metric": entry.label, "part": part}
                        )
        elif entry.kind == KIND_RANKING:
            self._relevances()


def _examples(values: pa.Array) -> str:
    return ", ".join(_quote(v) for v in values.slice(0, EXAMPLES).to_pylist())


def _solution_ids(column: pa.Array) -> pa.Array:
    stripped = pc.utf8_trim_whitespace(column)
    if pc.any(pc.equal(stripped, "")).as_py():
        row = int(np.flatnonzero(pc.equal(stripped, "").to_numpy(zero_copy_only=False))[0])
        raise SolutionError(_("Line %(line)s has no id.") % {"line": _line(row)})
    ids: pa.Array = stripped
    try:
        as_int = pc.cast(stripped, pa.int64())
        if pc.cast(as_int, pa.string()).equals(stripped):
            ids = as_int  # canonical integers ("7", not "007"): the fast dense lookup
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    counts = pc.value_counts(ids)
    twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if len(twice):
        example = twice[0].as_py()
        lines = np.flatnonzero(pc.equal(ids, twice[0]).to_numpy(zero_copy_only=False))[:2]
        raise SolutionError(
            ngettext(
                "%(count)s id appears twice or more, for example %(id)s "
                "(lines %(first)s and %(second)s).",
                "%(count)s ids appear twice or more, for example %(id)s "
                "(lines %(first)s and %(second)s).",
                len(twice),
            )
            % {
                "count": len(twice),
                "id": _quote(example),
                "first": _line(int(lines[0])),
                "second": _line(int(lines[1])),
            }
        )
    return ids


def _solution_usage(column: pa.Array) -> np.ndarray:
    usage = pc.utf8_lower(pc.utf8_trim_whitespace(column))
    public = pc.equal(usage, "public").to_numpy(zero_copy_only=False)
    private = pc.equal(usage, "private").to_numpy(zero_copy_only=False)
    neither = ~(public | private)
    if neither.any():
        row = int(np.flatnonzero(neither)[0])
        raise SolutionError(
            _("Line %(line)s: Usage must be Public or Private, not %(value)s.")
            % {"line": _line(row), "value": _quote(column[row].as_py())}
        )
    if not public.any() or not private.any():
        raise SolutionError(_("The solution needs at least one Public row and one Private row."))
    return np.ascontiguousarray(public, dtype=np.bool_)


def _solution_groups(column: pa.Array) -> tuple[np.ndarray, list[str]]:
    """The sensitive attribute as codes 0..G-1 (sorted values); every row must have one."""
    stripped = pc.utf8_trim_whitespace(column)
    empty = pc.equal(stripped, "").to_numpy(zero_copy_only=False)
    if empty.any():
        row = int(np.flatnonzero(empty)[0])
        raise SolutionError(
            _("Line %(line)s has no value for the sensitive attribute.") % {"line": _line(row)}
        )
    encoded = pc.dictionary_encode(stripped)
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    labels = encoded.dictionary.take(pa.array(order)).to_pylist()
    return rank[encoded.indices.to_numpy()], labels


def _solution_target(column: pa.Array, name: str) -> pa.Array:
    """Numbers when every cell is one (float64), otherwise labels or rankings (string)."""
    try:
        values = pc.cast(pc.utf8_trim_whitespace(column), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return column
    array = values.to_numpy(zero_copy_only=False)
    if not np.isfinite(array).all():
        row = int(np.flatnonzero(~np.isfinite(array))[0])
        raise SolutionError(
            _("Column %(column)s, line %(line)s: the target is not a finite number.")
            % {"column": _quote(name), "line": _line(row)}
        )
    return pa.array(array, type=pa.float64())


# --- scoring -----------------------------------------------------------------------


def score_submission(
    solution: Solution,
    submission: Source,
    *,
    metric: str = "rmse",
    metrics: Sequence[str] = (),
) -> ScoreResult:
    """Score one submission (path or bytes) on both splits of `solution`.

    `metric` is the primary metric (it reads the file); `metrics` are the others the
    challenge declares: registry metrics of the same kind, and the fairness metrics
    (which need a label or probability primary metric and the solution's sensitive
    attribute). Raises SubmissionError (message safe for the participant) for a bad
    file, and SolutionError when a metric cannot be computed on this solution.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    submission = _materialise(submission)
    entry = solution.check_metric(metric)
    if entry is None:
        raise SolutionError(_("A fairness metric cannot be the primary metric."))
    others = [name for name in dict.fromkeys(metrics) if name != metric]
    for name in others:
        other = solution.check_metric(name)
        if other is not None and other.kind != entry.kind:
            raise SolutionError(
                _("%(metric)s reads another kind of prediction than %(primary)s.")
                % {"metric": other.label, "primary": entry.label}
            )
    names = _header(_head(submission), SubmissionError)
    expected = [solution.id_column, *solution.target_columns]
    _check_header(names, expected, SubmissionError)
    types = {solution.id_column: pa.int64() if solution.integer_ids else pa.string()}
    label_numeric = False
    if entry.kind in (KIND_VALUE, KIND_PROBABILITY):
        types.update(dict.fromkeys(solution.target_columns, pa.float64()))
    elif entry.kind == KIND_LABEL:
        label_numeric = pa.types.is_floating(solution.targets[0].type)
        types[solution.target_columns[0]] = pa.float64() if label_numeric else pa.string()
    else:
        types[solution.target_columns[0]] = pa.string()
    table = _read_table(submission, names, types, SubmissionError)
    if table.num_rows == 0:
        raise SubmissionError(_("The file has a header but no rows."))
    timings["read"] = time.perf_counter() - started

    mark = time.perf_counter()
    ids = table.column(solution.id_column)
    ids = ids.chunk(0) if ids.num_chunks == 1 else ids.combine_chunks()
    rows = solution.rows_for(ids)
    timings["ids"] = time.perf_counter() - mark

    mark = time.perf_counter()
    truth, pred, context = _aligned(solution, entry, table, rows, label_numeric)
    timings["align"] = time.perf_counter() - mark

    mark = time.perf_counter()
    public_metrics: dict[str, float] = {}
    private_metrics: dict[str, float] = {}
    try:
        for name in [metric, *(n for n in others if n not in FAIRNESS_METRICS)]:
            pair = METRICS[name].compute(truth, pred, solution.public_mask, **context)
            public_metrics[name], private_metrics[name] = float(pair[0]), float(pair[1])
        fairness = [name for name in others if name in FAIRNESS_METRICS]
        if fairness:
            decisions = _decisions(entry, pred, context)
            public_counts, private_counts = split_counts(
                solution.fairness_cells(decisions), solution.group_count
            )
            for name in fairness:
                public_metrics[name] = FAIRNESS_METRICS[name](public_counts)
                private_metrics[name] = FAIRNESS_METRICS[name](private_counts)
    except MetricUndefinedError as error:
        raise SolutionError(str(error)) from None
    values = [*public_metrics.values(), *private_metrics.values()]
    if not np.isfinite(values).all():
        raise SolutionError(_("The metric gave no finite score on this solution."))
    timings["metric"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    return ScoreResult(
        public=public_metrics[metric],
        private=private_metrics[metric],
        metric=metric,
        rows=solution.n_rows,
        timings=timings,
        public_metrics=public_metrics,
        private_metrics=private_metrics,
    )


def _decisions(entry: Metric, pred: Any, context: dict[str, Any]) -> np.ndarray:
    """The favourable decisions (0/1 per row) a fairness metric reads from the predictions.

    Labels: the prediction is the label 1. Probabilities: the probability of 1 is 0.5 or more.
    """
    if entry.kind == KIND_LABEL:
        # The solution's check made the labels the numbers 0 and 1: the code of 1 is 1.
        favourable = int(np.searchsorted(context["classes"], 1.0))
        return (pred == favourable).view(np.int8)
    if entry.kind == KIND_PROBABILITY and pred.ndim == 1:
        return (pred >= 0.5).view(np.int8)
    raise SolutionError(
        _("Fairness metrics read yes/no decisions: choose a label or a probability metric.")
    )


def _aligned(
    solution: Solution,
    entry: Metric,
    table: pa.Table,
    rows: np.ndarray,
    label_numeric: bool,
) -> tuple[Any, Any, dict[str, Any]]:
    n = solution.n_rows
    columns = solution.target_columns
    if entry.kind in (KIND_VALUE, KIND_PROBABILITY):
        truth = solution._values() if entry.kind == KIND_VALUE else solution._probability_truth()
        pred = np.empty(n if len(columns) == 1 else (n, len(columns)), dtype=np.float64)
        for index, name in enumerate(columns):
            values = _float_column(table, name, SubmissionError)
            if entry.kind == KIND_PROBABILITY:
                outside = (values < 0.0) | (values > 1.0)
                if outside.any():
                    row = int(np.flatnonzero(outside)[0])
                    raise SubmissionError(
                        _(
                            "Column %(column)s, line %(line)s: %(value)s is not a probability; "
                            "give values between 0 and 1."
                        )
                        % {"column": _quote(name), "line": _line(row), "value": values[row]}
                    )
            if pred.ndim == 1:
                pred[rows] = values
            else:
                pred[rows, index] = values
        return truth, pred, {}
    if entry.kind == KIND_LABEL:
        truth, classes = solution._label_codes()
        if label_numeric:
            values = _float_column(table, columns[0], SubmissionError)
            position = np.searchsorted(classes, values).clip(0, len(classes) - 1)
            codes = np.where(classes[position] == values, position, -1)
        else:
            found = pc.index_in(table.column(columns[0]), value_set=classes)
            codes = pc.fill_null(found, -1).to_numpy().astype(np.int64)
        pred = np.empty(n, dtype=np.int64)
        pred[rows] = codes
        return truth, pred, {"n_classes": len(classes), "classes": classes}
    truth_rows = solution._relevances()
    aligned: list[list[str]] = [[] for _ in range(n)]
    for row, cell in zip(rows.tolist(), table.column(columns[0]).to_pylist(), strict=True):
        aligned[row] = cell.split()
    return truth_rows, aligned, {}
