"""Her own data (Data Privacy Act, RA 10173): everything held about one member, and correction requests."""
