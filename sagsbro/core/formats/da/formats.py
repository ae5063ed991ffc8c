"""How the pages write dates: one way everywhere, dd.mm.åååå (07.03.2027), and a time as
"07.03.2027 kl. 14.30". Django's Danish defaults spell the month out ("7. marts 2027"); these
replace them, so `{{ value }}` and `{{ value|date }}` in a template give the same as the
explicit "d.m.Y" used elsewhere."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
SHORT_DATETIME_FORMAT = r"d.m.Y \k\l. H.i"
TIME_FORMAT = "H.i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
