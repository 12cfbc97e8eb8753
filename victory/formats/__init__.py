"""Date and time formats in each language's usual written form (CLDR, as Babel has it),
for the languages whose Django defaults differ from it or from each other. Django's
own format module fills in every format not named here (FORMAT_MODULE_PATH)."""
