"""Privacy: pseudonymous user keys, leak-proof logging and scrubbing of personal data."""
