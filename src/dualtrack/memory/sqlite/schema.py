"""The fixed tables and statements of ``SQLiteDgent``: every value is a bound parameter.

Statements that vary (list filters) are assembled only from the constant fragments below, by
which filters are present; user text (ids, prefixes, metadata keys and values) is never part
of SQL text.
"""

from __future__ import annotations

from dualtrack.memory.query import ListQuery, prefix_end

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS dgent_datums (
        seq INTEGER PRIMARY KEY,
        namespace TEXT NOT NULL,
        id TEXT NOT NULL,
        content BLOB NOT NULL,
        created_at REAL NOT NULL,
        causal_parent TEXT,
        metadata TEXT NOT NULL,
        vector BLOB,
        UNIQUE (namespace, id)
    )""",
    "CREATE INDEX IF NOT EXISTS dgent_datums_by_time ON dgent_datums (namespace, created_at, id)",
    """CREATE INDEX IF NOT EXISTS dgent_datums_by_parent
        ON dgent_datums (namespace, causal_parent) WHERE causal_parent IS NOT NULL""",
    """CREATE TABLE IF NOT EXISTS dgent_metadata (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at REAL NOT NULL,
        datum_id TEXT NOT NULL,
        PRIMARY KEY (namespace, key, value, created_at, datum_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS dgent_refs (
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        datum_id TEXT NOT NULL,
        PRIMARY KEY (namespace, name)
    ) WITHOUT ROWID""",
    # retention: when each datum stops being shown (-inf once forgotten, else its expiry)
    """CREATE TABLE IF NOT EXISTS dgent_tombstones (
        namespace TEXT NOT NULL,
        datum_id TEXT NOT NULL,
        hides_at REAL NOT NULL,
        forgotten_at REAL,
        PRIMARY KEY (namespace, datum_id)
    ) WITHOUT ROWID""",
    # the SHA-256 of each id compaction removed, so that it is never stored again
    """CREATE TABLE IF NOT EXISTS dgent_erased (
        namespace TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (namespace, digest)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS dgent_lifetimes (
        namespace TEXT PRIMARY KEY,
        lifetime REAL NOT NULL
    ) WITHOUT ROWID""",
    # every datum of the namespace with seq <= this has its dgent_metadata rows
    """CREATE TABLE IF NOT EXISTS dgent_indexed (
        namespace TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
    ) WITHOUT ROWID""",
)

#: The tables ``SCHEMA`` creates, by name.
TABLES = tuple(
    statement.split("EXISTS ", 1)[1].split(None, 1)[0]
    for statement in SCHEMA
    if statement.startswith("CREATE TABLE")
)

#: Whether the file predates ``dgent_indexed`` (asked before ``SCHEMA`` runs).
LACKS_INDEX_MARKS = """SELECT NOT EXISTS (SELECT 1 FROM sqlite_master
    WHERE type = 'table' AND name = 'dgent_indexed')"""

#: A file from before ``dgent_indexed`` wrote every datum's metadata rows with the datum: mark
#: each of its namespaces as indexed up to the newest datum.
SEED_INDEX_MARKS = """INSERT INTO dgent_indexed (namespace, seq)
    SELECT namespace, (SELECT max(seq) FROM dgent_datums) FROM dgent_datums GROUP BY namespace"""


def shown(alias: str, ns: str, now: str) -> str:
    """The condition that datum row ``alias`` is shown at the instant bound as ``now`` (a
    parameter placeholder, as is ``ns``): no tombstone hides it yet, and it is younger than
    the namespace lifetime.

    Both checks that look at the namespace alone run once per statement, so a namespace
    without tombstones pays no lookup per row; the unary ``+`` keeps the lifetime comparison
    from being chosen as the index range (keyset pages must seek by their position)."""
    return "".join(
        [
            "(NOT EXISTS (SELECT 1 FROM dgent_tombstones WHERE namespace = ",
            ns,
            ") OR NOT EXISTS (SELECT 1 FROM dgent_tombstones AS t WHERE t.namespace = ",
            alias,
            ".namespace AND t.datum_id = ",
            alias,
            ".id AND t.hides_at <= ",
            now,
            ")) AND +",
            alias,
            ".created_at > (SELECT coalesce(max(",
            now,
            " - l.lifetime), -9e999) FROM dgent_lifetimes AS l WHERE l.namespace = ",
            ns,
            ")",
        ]
    )


def shown_by_id(alias: str, ns: str, datum_id: str, now: str) -> str:
    """``shown`` for the one datum a point read looks up by id, with placeholders ``ns``,
    ``datum_id`` and ``now``: one probe for its tombstone, one for a lifetime it has outlived,
    no aggregate. The caller's WHERE must already fix ``alias`` to that namespace and id."""
    return "".join(
        [
            "NOT EXISTS (SELECT 1 FROM dgent_tombstones WHERE namespace = ",
            ns,
            " AND datum_id = ",
            datum_id,
            " AND hides_at <= ",
            now,
            ") AND NOT EXISTS (SELECT 1 FROM dgent_lifetimes WHERE namespace = ",
            ns,
            " AND ",
            now,
            " - lifetime >= ",
            alias,
            ".created_at)",
        ]
    )


def shown_params(namespace: str, now: float) -> list[object]:
    """The values of ``shown(alias, "?", "?")``'s placeholders, in their order."""
    return [namespace, now, now, namespace]


def forgotten(alias: str) -> str:
    """The condition that datum row ``alias`` was forgotten (not merely expiring)."""
    return "".join(
        [
            "EXISTS (SELECT 1 FROM dgent_tombstones AS f WHERE f.namespace = ",
            alias,
            ".namespace AND f.datum_id = ",
            alias,
            ".id AND f.forgotten_at IS NOT NULL)",
        ]
    )


#: Parents are checked in the same transaction before (a parent may be stored, forgotten or
#: erased: only one never heard of is missing).
INSERT_DATUM = """INSERT INTO dgent_datums
    (namespace, id, content, created_at, causal_parent, metadata)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
    ON CONFLICT (namespace, id) DO NOTHING"""

#: One datum inserted only when nothing stands in its way: its id is new, not tombstoned and
#: not erased (digest ?7), and its parent is stored, tombstoned or erased (digest ?8). When it
#: inserts nothing, the store finds out why with the checks a batch uses.
INSERT_CHECKED = """INSERT INTO dgent_datums
    (namespace, id, content, created_at, causal_parent, metadata)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6
    WHERE NOT EXISTS (SELECT 1 FROM dgent_tombstones WHERE namespace = ?1 AND datum_id = ?2)
    AND NOT EXISTS (SELECT 1 FROM dgent_erased WHERE namespace = ?1 AND digest = ?7)
    AND (?5 IS NULL
        OR EXISTS (SELECT 1 FROM dgent_datums WHERE namespace = ?1 AND id = ?5)
        OR EXISTS (SELECT 1 FROM dgent_tombstones WHERE namespace = ?1 AND datum_id = ?5)
        OR EXISTS (SELECT 1 FROM dgent_erased WHERE namespace = ?1 AND digest = ?8))
    ON CONFLICT (namespace, id) DO NOTHING"""

#: What a batch's plain inserts need to know first: whether the namespace holds any retention
#: state (tombstones or erased ids, which every row must then be checked against) and how many
#: of a JSON array of parent ids are stored.
WRITE_GUARDS = """SELECT EXISTS (SELECT 1 FROM dgent_tombstones WHERE namespace = ?1)
        OR EXISTS (SELECT 1 FROM dgent_erased WHERE namespace = ?1),
    (SELECT count(*) FROM dgent_datums
        WHERE namespace = ?1 AND id IN (SELECT value FROM json_each(?2)))"""

#: A datum's search vector, stored by the first search that reads it (NULL until then; an
#: empty blob for content that is not text). The datum itself never changes.
SET_VECTOR = """UPDATE dgent_datums SET vector = ?1
    WHERE namespace = ?2 AND id = ?3 AND vector IS NULL"""

#: The contents of the unindexed datums among a JSON array of ids.
UNINDEXED_AMONG = """SELECT id, content FROM dgent_datums
    WHERE namespace = ? AND id IN (SELECT value FROM json_each(?)) AND vector IS NULL"""

#: Metadata rows, written by the first filtered read after their datum (see
#: :mod:`dualtrack.memory.sqlite.metadata_rows`); a writer of an older version may have
#: written them already, with the datum.
INSERT_METADATA = """INSERT OR IGNORE INTO dgent_metadata
    (namespace, key, value, created_at, datum_id) VALUES (?, ?, ?, ?, ?)"""

#: Whether datums were stored (in any namespace) since the namespace's metadata rows were last
#: brought up to date: the maximum of ``seq`` is one step down its B-tree.
METADATA_BEHIND = """SELECT (SELECT coalesce(max(seq), 0) FROM dgent_datums)
    > coalesce((SELECT seq FROM dgent_indexed WHERE namespace = ?), 0)"""

INDEX_MARK = "SELECT coalesce((SELECT seq FROM dgent_indexed WHERE namespace = ?), 0)"

TOP_SEQ = "SELECT coalesce(max(seq), 0) FROM dgent_datums"

#: The datums of a namespace above its mark that have metadata (parameters: mark, namespace).
UNINDEXED_METADATA = """SELECT id, created_at, metadata FROM dgent_datums
    WHERE seq > ? AND namespace = ? AND metadata != '{}'"""

SET_INDEX_MARK = """INSERT INTO dgent_indexed (namespace, seq) VALUES (?, ?)
    ON CONFLICT (namespace) DO UPDATE SET seq = excluded.seq"""

SELECT_ONE = """SELECT id, content, created_at, causal_parent, metadata
    FROM dgent_datums WHERE namespace = ? AND id = ?"""

SELECT_MANY = """SELECT id, content, created_at, causal_parent, metadata FROM dgent_datums
    WHERE namespace = ? AND id IN (SELECT value FROM json_each(?))"""

EXISTS_ONE = "SELECT 1 FROM dgent_datums WHERE namespace = ? AND id = ?"

COUNT = "SELECT count(*) FROM dgent_datums WHERE namespace = ?"

CHILDREN = """SELECT id, content, created_at, causal_parent, metadata FROM dgent_datums
    WHERE namespace = ? AND causal_parent = ? ORDER BY created_at, id"""

CHAIN = """WITH RECURSIVE chain (id, content, created_at, causal_parent, metadata, depth) AS (
        SELECT id, content, created_at, causal_parent, metadata, 0
        FROM dgent_datums WHERE namespace = ?1 AND id = ?2
        UNION ALL
        SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata, chain.depth + 1
        FROM chain JOIN dgent_datums AS d ON d.namespace = ?1 AND d.id = chain.causal_parent
    )
    SELECT id, content, created_at, causal_parent, metadata FROM chain ORDER BY depth DESC"""

GET_REF = "SELECT datum_id FROM dgent_refs WHERE namespace = ? AND name = ?"

# What read paths show: parameters ``(namespace, ..., now)``, the instant always last.

SHOWN_ONE = "".join(
    [
        """SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata
    FROM dgent_datums AS d WHERE d.namespace = ?1 AND d.id = ?2 AND """,
        shown_by_id("d", "?1", "?2", "?3"),
    ]
)

SHOWN_EXISTS = "".join(
    [
        """SELECT 1 FROM dgent_datums AS d
    WHERE d.namespace = ?1 AND d.id = ?2 AND """,
        shown_by_id("d", "?1", "?2", "?3"),
    ]
)

#: Counting every datum of a namespace without tombstones or lifetime reads one index; the
#: filtered count runs only when one exists.
SHOWN_COUNT = "".join(
    [
        """SELECT CASE WHEN EXISTS (SELECT 1 FROM dgent_tombstones WHERE namespace = ?1)
        OR EXISTS (SELECT 1 FROM dgent_lifetimes WHERE namespace = ?1)
    THEN (SELECT count(*) FROM dgent_datums AS d WHERE d.namespace = ?1 AND """,
        shown("d", "?1", "?2"),
        """)
    ELSE (SELECT count(*) FROM dgent_datums WHERE namespace = ?1) END""",
    ]
)

SHOWN_CHILDREN = "".join(
    [
        """SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata
    FROM dgent_datums AS d WHERE d.namespace = ?1 AND d.causal_parent = ?2
    AND """,
        shown("d", "?1", "?3"),
        " ORDER BY d.created_at, d.id",
    ]
)

SHOWN_CHAIN = "".join(
    [
        """WITH RECURSIVE chain (id, content, created_at, causal_parent, metadata, depth) AS (
        SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata, 0
        FROM dgent_datums AS d WHERE d.namespace = ?1 AND d.id = ?2 AND """,
        shown_by_id("d", "?1", "?2", "?3"),
        """
        UNION ALL
        SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata, chain.depth + 1
        FROM chain JOIN dgent_datums AS d ON d.namespace = ?1 AND d.id = chain.causal_parent
        WHERE """,
        shown("d", "?1", "?3"),
        """
    )
    SELECT id, content, created_at, causal_parent, metadata FROM chain ORDER BY depth DESC""",
    ]
)

SHOWN_REF = "".join(
    [
        """SELECT r.datum_id FROM dgent_refs AS r
    JOIN dgent_datums AS d ON d.namespace = r.namespace AND d.id = r.datum_id
    WHERE r.namespace = ?1 AND r.name = ?2 AND """,
        shown("d", "?1", "?3"),
    ]
)

#: The stored datums among a JSON array of ids, each with whether it is shown (for puts).
HELD = "".join(
    [
        """SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata,
        """,
        shown("d", "?1", "?3"),
        """
    FROM dgent_datums AS d WHERE d.namespace = ?1 AND d.id IN (SELECT value FROM json_each(?2))""",
    ]
)

#: Which ids of a JSON array of them carry a tombstone: ``(id, forgotten)``.
TOMBSTONED_AMONG = """SELECT datum_id, forgotten_at IS NOT NULL FROM dgent_tombstones
    WHERE namespace = ? AND datum_id IN (SELECT value FROM json_each(?))"""

#: The parents of shown datums that are not shown: where shown chains stop.
TRUNCATIONS = "".join(
    [
        """SELECT DISTINCT d.causal_parent FROM dgent_datums AS d
    WHERE d.namespace = ?1 AND d.causal_parent IS NOT NULL AND """,
        shown("d", "?1", "?2"),
        """ AND NOT EXISTS (SELECT 1 FROM dgent_datums AS p
        WHERE p.namespace = ?1 AND p.id = d.causal_parent AND """,
        shown("p", "?1", "?2"),
        """) ORDER BY 1""",
    ]
)

#: Which digests of a JSON array of them were erased.
ERASED_AMONG = """SELECT digest FROM dgent_erased
    WHERE namespace = ? AND digest IN (SELECT value FROM json_each(?))"""

INSERT_TOMBSTONE = """INSERT INTO dgent_tombstones (namespace, datum_id, hides_at, forgotten_at)
    VALUES (?, ?, ?, ?)
    ON CONFLICT (namespace, datum_id) DO UPDATE
        SET hides_at = excluded.hides_at, forgotten_at = excluded.forgotten_at
    WHERE forgotten_at IS NULL AND excluded.forgotten_at IS NOT NULL"""

#: Stored datums not forgotten yet among a JSON array of ids: ``(id, created_at)``.
FORGETTABLE_AMONG = "".join(
    [
        """SELECT d.id, d.created_at FROM dgent_datums AS d
    WHERE d.namespace = ?1 AND d.id IN (SELECT value FROM json_each(?2))
    AND NOT """,
        forgotten("d"),
    ]
)

#: A ref's whole stored history, hidden datums included: ``(id, created_at, forgotten)``.
REF_HISTORY = "".join(
    [
        """WITH RECURSIVE history (id, created_at, causal_parent, forgotten) AS (
        SELECT d.id, d.created_at, d.causal_parent, """,
        forgotten("d"),
        """ FROM dgent_refs AS r
        JOIN dgent_datums AS d ON d.namespace = r.namespace AND d.id = r.datum_id
        WHERE r.namespace = ?1 AND r.name = ?2
        UNION ALL
        SELECT d.id, d.created_at, d.causal_parent, """,
        forgotten("d"),
        """ FROM history
        JOIN dgent_datums AS d ON d.namespace = ?1 AND d.id = history.causal_parent
    )
    SELECT id, created_at FROM history WHERE NOT forgotten""",
    ]
)

#: ``(shown, forgotten)`` of one stored id.
STATE = "".join(
    [
        "SELECT ",
        shown("d", "?1", "?3"),
        ", ",
        forgotten("d"),
        """
    FROM dgent_datums AS d WHERE d.namespace = ?1 AND d.id = ?2""",
    ]
)

GET_LIFETIME = "SELECT lifetime FROM dgent_lifetimes WHERE namespace = ?"

SET_LIFETIME = """INSERT INTO dgent_lifetimes (namespace, lifetime) VALUES (?, ?)
    ON CONFLICT (namespace) DO UPDATE SET lifetime = excluded.lifetime"""

DROP_LIFETIME = "DELETE FROM dgent_lifetimes WHERE namespace = ?"

SET_REF = """INSERT INTO dgent_refs (namespace, name, datum_id) VALUES (?, ?, ?)
    ON CONFLICT (namespace, name) DO UPDATE SET datum_id = excluded.datum_id"""

_CAUSAL = "".join(
    [
        """SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata,
        p.id IS NOT NULL AND (p.created_at, p.id) < (d.created_at, d.id)
    FROM dgent_datums AS d LEFT JOIN dgent_datums AS p
        ON p.namespace = d.namespace AND p.id = d.causal_parent
    WHERE d.namespace = ? AND """,
        shown("d", "?", "?"),
        "{after} ORDER BY d.created_at, d.id LIMIT ?",
    ]
)

#: One page of a causal scan of the datums shown at an instant: each datum, and whether its
#: parent sorts before it. Parameters: namespace, ``shown_params``, [position], limit.
CAUSAL_FIRST_PAGE = _CAUSAL.format(after="")
CAUSAL_NEXT_PAGE = _CAUSAL.format(after=" AND (d.created_at, d.id) > (?, ?)")

#: Refs named after ``?`` (all names are non-empty, so ``''`` starts at the first) naming a
#: datum shown at an instant, in name order; SQLite reads ``LIMIT -1`` as no limit.
#: Parameters: namespace, after, ``shown_params``, limit.
LIST_REFS = "".join(
    [
        """SELECT r.name, r.datum_id FROM dgent_refs AS r
    JOIN dgent_datums AS d ON d.namespace = r.namespace AND d.id = r.datum_id
    WHERE r.namespace = ? AND r.name > ? AND """,
        shown("d", "?", "?"),
        " ORDER BY r.name LIMIT ?",
    ]
)


#: The namespaces holding a datum or a ref, found by skipping along each table's index: one
#: lookup per namespace, not one row per datum.
NAMESPACES = """WITH RECURSIVE
    datum_spaces (name) AS (
        SELECT min(namespace) FROM dgent_datums
        UNION ALL
        SELECT (SELECT min(namespace) FROM dgent_datums WHERE namespace > datum_spaces.name)
        FROM datum_spaces WHERE datum_spaces.name IS NOT NULL
    ),
    ref_spaces (name) AS (
        SELECT min(namespace) FROM dgent_refs
        UNION ALL
        SELECT (SELECT min(namespace) FROM dgent_refs WHERE namespace > ref_spaces.name)
        FROM ref_spaces WHERE ref_spaces.name IS NOT NULL
    )
    SELECT name FROM datum_spaces WHERE name IS NOT NULL
    UNION
    SELECT name FROM ref_spaces WHERE name IS NOT NULL
    ORDER BY 1"""

_HAS_PAIR = """EXISTS (SELECT 1 FROM dgent_metadata AS m WHERE m.namespace = d.namespace
    AND m.key = ? AND m.value = ? AND m.created_at = d.created_at AND m.datum_id = d.id)"""

_WHERE = {
    "prefix": "d.id >= ? AND substr(d.id, 1, ?) = ?",
    "upper": "d.id < ?",
    "after": "d.created_at > ?",
    "before": "d.created_at < ?",
    "asc": "(d.created_at, d.id) > (?, ?)",
    "desc": "(d.created_at, d.id) < (?, ?)",
}

_DATUM_COLUMNS = (
    "SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata FROM dgent_datums AS d WHERE"
)
_VECTOR_COLUMNS = """SELECT d.id, d.created_at, d.vector,
    CASE WHEN d.vector IS NULL THEN length(d.content) END FROM dgent_datums AS d WHERE"""
_KEY_COLUMNS = "".join(
    [
        "SELECT d.id, d.created_at FROM dgent_datums AS d WHERE NOT ",
        forgotten("d"),
        " AND",
    ]
)

_ORDER = {"asc": "ORDER BY d.created_at, d.id", "desc": "ORDER BY d.created_at DESC, d.id DESC"}


def select_page(
    namespace: str,
    query: ListQuery,
    position: tuple[float, str] | None,
    limit: int | None,
    *,
    vectors: bool = False,
    now: float | None = None,
    forgettable: bool = False,
) -> tuple[str, list[object]]:
    """The statement and parameters for one keyset page of ``query`` after ``position``;
    with ``vectors``, the ``(id, created_at, vector, size)`` of each datum, ``vector`` NULL
    and ``size`` its content length when no search has indexed it yet;
    with ``now``, only the datums shown at that instant; with ``forgettable``, the
    ``(id, created_at)`` of datums not forgotten yet."""
    clauses = ["d.namespace = ?"]
    params: list[object] = [namespace]
    if now is not None:
        clauses.append(shown("d", "?", "?"))
        params += shown_params(namespace, now)
    if query.prefix is not None:
        clauses.append(_WHERE["prefix"])
        params += [query.prefix, len(query.prefix), query.prefix]
        end = prefix_end(query.prefix)
        if end is not None:
            clauses.append(_WHERE["upper"])
            params.append(end)
    if query.after is not None:
        clauses.append(_WHERE["after"])
        params.append(query.after)
    if query.before is not None:
        clauses.append(_WHERE["before"])
        params.append(query.before)
    for key, value in query.metadata:
        clauses.append(_HAS_PAIR)
        params += [key, value]
    if position is not None:
        clauses.append(_WHERE[query.order])
        params += list(position)
    select = _VECTOR_COLUMNS if vectors else _KEY_COLUMNS if forgettable else _DATUM_COLUMNS
    sql = " ".join([select, " AND ".join(clauses), _ORDER[query.order]])
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params
