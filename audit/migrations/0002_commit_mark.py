"""The commit marks (audit.models.CommitMark) and, on PostgreSQL, the two triggers that write them.

- After each INSERT statement on the audit table, the first one of a transaction inserts one mark
  (a transaction-local setting remembers it): an import writing thousands of audit records in
  bulk inserts one mark, for the cost of one trigger call per statement.
- A deferred constraint trigger on the marks gives that mark a new id at COMMIT, so the ids of the
  marks follow the order of the commits (give or take the transactions committing at the same
  instant), which the audit ids, taken while a long import runs, do not.
Neither waits for another transaction: the mark is the transaction's own row, so no deadlock.
A rolled-back transaction leaves no mark."""

from django.db import migrations, models

CREATE = ("""
CREATE OR REPLACE FUNCTION audit_commit_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('ntm.commit_marked', true), '') <> '1' THEN
        PERFORM set_config('ntm.commit_marked', '1', true);
        INSERT INTO audit_commitmark DEFAULT VALUES;
    END IF;
    RETURN NULL;
END
$$
""", """
CREATE OR REPLACE FUNCTION audit_commit_mark_renumber() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_commitmark SET id = nextval(pg_get_serial_sequence('audit_commitmark', 'id'))
    WHERE id = NEW.id;
    RETURN NULL;
END
$$
""", """
CREATE TRIGGER audit_commit_mark AFTER INSERT ON audit_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION audit_commit_mark()
""", """
CREATE CONSTRAINT TRIGGER audit_commit_mark_renumber AFTER INSERT ON audit_commitmark
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_commit_mark_renumber()
""")
DROP = ("DROP TRIGGER IF EXISTS audit_commit_mark ON audit_auditrecord",
        "DROP TRIGGER IF EXISTS audit_commit_mark_renumber ON audit_commitmark",
        "DROP FUNCTION IF EXISTS audit_commit_mark()",
        "DROP FUNCTION IF EXISTS audit_commit_mark_renumber()")


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommitMark',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
