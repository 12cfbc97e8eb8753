"""Reads for cases, already scoped to what the asking user may see (the querysets in
``victory.cases.models``): anything outside a user's scope is ``Http404``."""
