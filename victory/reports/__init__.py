"""Reports: public intake (anonymous or not), receipts, the reporter's inbox, and the
receiving organisation's first view of a report."""
