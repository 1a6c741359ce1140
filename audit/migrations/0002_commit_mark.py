"""The commit marks (audit.models.CommitMark) and, on PostgreSQL, the trigger that writes them.

The trigger is a deferred constraint trigger on the audit table: it fires at COMMIT, and only
its first call in a transaction inserts a mark (a transaction-local setting remembers it), so
an import writing thousands of audit records adds one mark. It takes no lock that another
transaction waits for (an insert, not an update of a shared row), so it cannot deadlock."""

from django.db import migrations, models

FUNCTION = ("""
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
CREATE CONSTRAINT TRIGGER audit_commit_mark AFTER INSERT ON audit_auditrecord
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_commit_mark()
""")
DROP = ("DROP TRIGGER IF EXISTS audit_commit_mark ON audit_auditrecord",
        "DROP FUNCTION IF EXISTS audit_commit_mark()")


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
        migrations.RunPython(_on_postgresql(FUNCTION), _on_postgresql(DROP)),
    ]
