"""Call records: legs read from FreeSWITCH events or CDR posts, assembled into one record per call."""
