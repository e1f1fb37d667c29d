"""Official receipts: numbers sequential per organization with no gaps and no reuse, and their PDF."""
