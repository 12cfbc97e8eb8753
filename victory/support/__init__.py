"""Support: the directory of support services (and, next, rights content), per country
and language, managed by administrators without a deploy."""
