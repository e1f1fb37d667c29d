"""Cash at the desk and in the bank: teller sessions, bank deposits, bank reconciliation."""
