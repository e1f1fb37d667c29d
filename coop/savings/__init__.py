"""Savings deposits: products, members' accounts, deposits, withdrawals, interest, dormancy and time deposits."""
