"""The meetings app's rules as plain Python (no Django): the agenda, booking, the team's
composition, the indstilling and the follow-up after the meeting."""
