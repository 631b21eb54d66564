"""A separate process that reads SQLite queries into Arrow files (docs/decisions/0002).

    python -m lnob.monitoring.reader SPEC.json   # {"database": PATH, "jobs": [[SQL, OUT, DATE_COLUMNS], ...]}

Why a process and not a thread: the ADBC driver carries its own copy of the SQLite library. Two
copies of SQLite in one process do not see each other's POSIX locks, so when the driver's
connection closes it may believe it is the database's last user, checkpoint and truncate the
write-ahead log and shared-memory files under the app's own open connection (a crash, or worse).
In a process of its own it is an ordinary second SQLite client. It imports neither Django nor the
app: only the driver and pyarrow, so it starts in a fraction of a second.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    import adbc_driver_sqlite.dbapi as adbc
    import pyarrow as pa

    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    with adbc.connect(f"file:{spec['database']}?mode=ro") as conn, conn.cursor() as cursor:
        # wait, like the app's own connections, when another connection briefly holds a lock
        cursor.execute("PRAGMA busy_timeout = 20000")
        cursor.fetchall()
        for sql, out, dates in spec["jobs"]:
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
            for i in dates:  # ISO text to dates here, in parallel, rather than in the sweep
                if table.num_rows:
                    table = table.set_column(i, table.field(i).name, table.column(i).cast(pa.date32()))
            with pa.OSFile(out, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)


if __name__ == "__main__":
    main()
