"""Staff exports and the report: anonymous data from the database, suppressed, as files."""
