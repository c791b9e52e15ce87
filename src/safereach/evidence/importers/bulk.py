"""Fast inserts for large loads: executemany on SQLite, COPY on PostgreSQL.

The ORM's bulk_create builds a model instance per row, which costs more than parsing the
file; these loads insert plain tuples straight into the table instead.
"""

from collections.abc import Iterable, Iterator, Sequence

from django.db import connection


class TextTooLong(Exception):
    """A value longer than its column holds. PostgreSQL would refuse it with a traceback and
    SQLite would keep it whole, so every write of a load checks first; the load (run.py)
    turns this into a `path:line: column: reason` and writes nothing."""

    def __init__(self, model, field_name: str, value: str, limit: int):
        self.column = str(model._meta.get_field(field_name).verbose_name)
        self.value, self.limit = value, limit
        super().__init__(f"{self.column}: {len(value):,} characters, the most it holds is {limit:,}")


def checked(model, fields: Sequence[str], rows: Iterable[tuple]) -> Iterator[tuple]:
    """`rows` as they are, after checking each text against its column's max_length."""
    limits = [(k, name, model._meta.get_field(name).max_length) for k, name in enumerate(fields)]
    limits = [(k, name, limit) for k, name, limit in limits if limit]
    for row in rows:
        for k, name, limit in limits:
            value = row[k]
            if isinstance(value, str) and len(value) > limit:
                raise TextTooLong(model, name, value, limit)
        yield row


def check_objects(objects: list) -> list:
    """`objects` (unsaved model instances, for bulk_create) as they are, after the same check
    of every text field with a max_length."""
    if objects:
        model = type(objects[0])
        names = [f.name for f in model._meta.concrete_fields if getattr(f, "max_length", None)
                 and f.get_internal_type() in ("CharField", "SlugField", "EmailField", "URLField")]
        list(checked(model, names, ([getattr(o, n) for n in names] for o in objects)))
    return objects


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple], chunk: int = 50_000) -> int:
    """Insert tuples whose values follow `fields` (model field names); returns rows inserted."""
    rows = checked(model, fields, rows)
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def delete_ids(model, ids: list[int], chunk: int = 5_000) -> None:
    """Delete rows by id in chunks that stay under the database's limit on parameters."""
    for start in range(0, len(ids), chunk):
        model.objects.filter(pk__in=ids[start:start + chunk]).delete()
