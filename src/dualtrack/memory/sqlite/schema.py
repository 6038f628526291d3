"""The fixed tables and statements of ``SQLiteDgent``: every value is a bound parameter.

Statements that vary (list filters) are assembled only from the constant fragments below, by
which filters are present; user text (ids, prefixes, metadata keys and values) is never part
of SQL text.
"""

from __future__ import annotations

from dualtrack.memory.query import ListQuery

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
)

INSERT_DATUM = """INSERT INTO dgent_datums
    (namespace, id, content, created_at, causal_parent, metadata, vector)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
    WHERE ?5 IS NULL OR EXISTS (SELECT 1 FROM dgent_datums WHERE namespace = ?1 AND id = ?5)
    ON CONFLICT (namespace, id) DO NOTHING"""

INSERT_METADATA = """INSERT INTO dgent_metadata (namespace, key, value, created_at, datum_id)
    VALUES (?, ?, ?, ?, ?)"""

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

SET_REF = """INSERT INTO dgent_refs (namespace, name, datum_id) VALUES (?, ?, ?)
    ON CONFLICT (namespace, name) DO UPDATE SET datum_id = excluded.datum_id"""

_CAUSAL = """SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata,
        p.id IS NOT NULL AND (p.created_at, p.id) < (d.created_at, d.id)
    FROM dgent_datums AS d LEFT JOIN dgent_datums AS p
        ON p.namespace = d.namespace AND p.id = d.causal_parent
    WHERE d.namespace = ?{after} ORDER BY d.created_at, d.id LIMIT ?"""

#: One page of a causal scan: each datum, and whether its parent sorts before it.
CAUSAL_FIRST_PAGE = _CAUSAL.format(after="")
CAUSAL_NEXT_PAGE = _CAUSAL.format(after=" AND (d.created_at, d.id) > (?, ?)")

#: Refs named after ``?`` (all names are non-empty, so ``''`` starts at the first), in name
#: order; SQLite reads ``LIMIT -1`` as no limit.
LIST_REFS = """SELECT name, datum_id FROM dgent_refs WHERE namespace = ? AND name > ?
    ORDER BY name LIMIT ?"""


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
    "after": "d.created_at > ?",
    "before": "d.created_at < ?",
    "asc": "(d.created_at, d.id) > (?, ?)",
    "desc": "(d.created_at, d.id) < (?, ?)",
}

_DATUM_COLUMNS = (
    "SELECT d.id, d.content, d.created_at, d.causal_parent, d.metadata FROM dgent_datums AS d WHERE"
)
_VECTOR_COLUMNS = "SELECT d.id, d.created_at, d.vector FROM dgent_datums AS d WHERE"

_ORDER = {"asc": "ORDER BY d.created_at, d.id", "desc": "ORDER BY d.created_at DESC, d.id DESC"}


def select_page(
    namespace: str,
    query: ListQuery,
    position: tuple[float, str] | None,
    limit: int | None,
    *,
    vectors: bool = False,
) -> tuple[str, list[object]]:
    """The statement and parameters for one keyset page of ``query`` after ``position``;
    with ``vectors``, the ``(id, created_at, vector)`` of every datum that has a vector."""
    clauses = ["d.namespace = ?"]
    if vectors:
        clauses.append("d.vector IS NOT NULL")
    params: list[object] = [namespace]
    if query.prefix is not None:
        clauses.append(_WHERE["prefix"])
        params += [query.prefix, len(query.prefix), query.prefix]
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
    select = _VECTOR_COLUMNS if vectors else _DATUM_COLUMNS
    sql = " ".join([select, " AND ".join(clauses), _ORDER[query.order]])
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params
