"""What node kinds and the compiler build dialplans from: the IR, the dialling rules and the
plain-data directory snapshot. Reads no database and imports nothing of the scenario layers."""
