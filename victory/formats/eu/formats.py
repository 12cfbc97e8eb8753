"""Basque (CLDR): "2026(e)ko abenduaren 1(a)", the month in full in the genitive, as
Django's own month-and-day format has it; Django's date format abbreviates the month
and drops the genitive ("2026(e)ko abe.k 1")."""

DATE_FORMAT = r"Y(\e)\k\o F\r\e\n j(\a)"
DATETIME_FORMAT = r"Y(\e)\k\o F\r\e\n j(\a), H:i"
MONTH_DAY_FORMAT = r"F\r\e\n j(\a)"
