"""Finnish: a day and month take the partitive ("1. joulukuuta", CLDR), as the full date
already does in Django; its month-and-day format has the nominative ("1. joulukuu")."""

MONTH_DAY_FORMAT = "j. E"
