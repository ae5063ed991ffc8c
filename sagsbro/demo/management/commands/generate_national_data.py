"""Generate the national data set (N years at the evaluation's volumes) into the database.

    manage.py generate_national_data --years 10 --fraction 1.0 --seed 1

Refuses a database that already holds cases (or audit entries); with ``--reuse`` it then
leaves the database as it is and exits successfully, so a benchmark can "generate or reuse".
There is no overwrite: the audit log cannot be emptied, so to regenerate, drop and recreate
the database and migrate it. The audit checkpoints go to ``SAGSBRO_AUDIT_CHECKPOINT_DIR``,
which must be empty (one directory per database), so ``verify_audit_log`` can check them.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from sagsbro.cases.models import Case
from sagsbro.demo.national.generator import AlreadyGenerated, Options, generate


class Command(BaseCommand):
    help = "Generér nationale testdata: N år med evalueringens sagsmængder (tabel 3)."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=10, help="antal år (standard 10)")
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="andel af den nationale årlige mængde (1.0 = ca. 30.000 sager om året)",
        )
        parser.add_argument("--seed", type=int, default=1, help="frø for tilfældighederne")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="dagen data slutter (ÅÅÅÅ-MM-DD; standard i dag)",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="indeholder databasen allerede sager, så brug dem og afslut uden fejl",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        if options["years"] < 1 or not 0 < options["fraction"] <= 2:
            raise CommandError("--years skal være mindst 1 og --fraction mellem 0 og 2.")
        using = options["database"]
        if options["reuse"] and Case.objects.using(using).exists():
            self.stdout.write(
                f"Databasen indeholder allerede {Case.objects.using(using).count()} sager; "
                "de genbruges."
            )
            return
        verbosity = options["verbosity"]
        try:
            result = generate(
                Options(
                    years=options["years"],
                    fraction=options["fraction"],
                    seed=options["seed"],
                    today=options["today"],
                    using=using,
                ),
                log=(lambda line: self.stdout.write(line)) if verbosity > 1 else (lambda _: None),
            )
        except AlreadyGenerated as exc:
            raise CommandError(str(exc)) from exc
        if verbosity < 1:
            return
        self.stdout.write(f"Nationale data genereret på {result.seconds:.0f} s.")
        for table, count in result.counts.items():
            self.stdout.write(f"  {table}: {count}")
        self.stdout.write(f"Kontrolpunkter: {result.checkpoint_dir}")
        self.stdout.write("Log-ins (adgangskode demo1234):")
        for username, role, organisation in result.logins:
            self.stdout.write(f"  {username}  {role}  {organisation}")
        self.stdout.write("Åbne sager at begynde med:")
        for username, case_ids in result.sample_cases.items():
            self.stdout.write(f"  {username}: {', '.join(map(str, case_ids))}")
