"""Returned workbooks: read safely, checked, recorded in the ledger or refused with feedback."""
