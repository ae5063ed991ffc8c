from django.db import migrations, models
from django.db.models.functions import Upper

NAME_SEARCH_INDEX = models.Index(
    models.F("municipality"), Upper("name"), name="citizen_name_search"
)


def create_index(apps, schema_editor):
    """On PostgreSQL with text_pattern_ops: `name__istartswith` is UPPER(name) LIKE 'X%',
    which a plain b-tree serves only under the C collation; elsewhere the model's index."""
    citizen = apps.get_model("organisations", "Citizen")
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(citizen._meta.db_table)
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(NAME_SEARCH_INDEX.name)} ON {table} "
            '("municipality_id", UPPER("name"::text) text_pattern_ops)'
        )
    else:
        schema_editor.add_index(citizen, NAME_SEARCH_INDEX)


def drop_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("organisations", "Citizen"), NAME_SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="citizen", index=NAME_SEARCH_INDEX)],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        ),
    ]
