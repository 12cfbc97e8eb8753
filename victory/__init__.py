"""VicTory: a victim-centred platform for people harmed by hate crime and extremism."""
