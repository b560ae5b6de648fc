"""The consolidated workbook of a period."""
