"""The committee report, the interim report and their charts."""
