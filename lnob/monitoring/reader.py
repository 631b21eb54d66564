"""A separate process that reads SQLite queries into Arrow files (docs/decisions/0002).

    python -m lnob.monitoring.reader SPEC.json   # {"database": PATH, "jobs": [[SQL, OUT, DATE_COLUMNS], ...]}

Why a process and not a thread: the ADBC driver carries its own copy of the SQLite library. Two
copies of SQLite in one process do not see each other's POSIX locks, so when the driver's
connection closes it may believe it is the database's last user, checkpoint and truncate the
write-ahead log and shared-memory files under the app's own open connection (a crash, or worse).
In a process of its own it is an ordinary second SQLite client. It imports neither Django nor the
app: only the driver manager's core and pyarrow, so it starts in 0.2 s (the DB-API layer,
`adbc_driver_manager.dbapi`, would import pandas and polars too: 0.9 s, twice, on every sweep).
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    import adbc_driver_manager as dm
    import adbc_driver_sqlite
    import pyarrow as pa

    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    database = adbc_driver_sqlite.connect(f"file:{spec['database']}?mode=ro")
    conn = dm.AdbcConnection(database)

    def query(sql: str) -> pa.Table:
        statement = dm.AdbcStatement(conn)
        try:
            # batches of 64 Ki rows rather than the driver's 1 Ki: fewer, larger chunks are cheaper
            # to cast, to write and for the sweep to read (about 0.3 s at two million persons)
            statement.set_options(**{"adbc.sqlite.query.batch_rows": "65536"})
            statement.set_sql_query(sql)
            stream, _rows = statement.execute_query()
            return pa.RecordBatchReader._import_from_c(stream.address).read_all()
        finally:
            statement.close()

    try:
        # wait, like the app's own connections, when another connection briefly holds a lock
        query("PRAGMA busy_timeout = 20000")
        for sql, out, dates in spec["jobs"]:
            table = query(sql)
            for i in dates:  # ISO text to dates here, in parallel, rather than in the sweep
                if table.num_rows:
                    table = table.set_column(i, table.field(i).name, table.column(i).cast(pa.date32()))
            with pa.OSFile(out, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
    finally:
        conn.close()
        database.close()


if __name__ == "__main__":
    main()
