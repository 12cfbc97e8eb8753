"""Reports views: intake (the public form), inbox (the reporter with their receipt),
staff (the receiving organisation)."""
