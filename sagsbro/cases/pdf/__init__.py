"""Documents the cases app renders itself as PDF."""
