"""Pure rules of klinisk funktion: the LÆ 275's completeness (BEK § 14), the 14-day notice
before a late appointment, and the average price against the § 18 cap.

No Django imports here; the services turn model rows into the plain values these functions
take. The § 23 deadline pair and the same-person rule (§ 13, stk. 3) live with the case's other
deadlines and conflict rules in ``sagsbro.cases.rules``.
"""
