"""What the ledger becomes: the consolidated workbook, the tidy export and the reports."""
