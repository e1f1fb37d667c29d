"""The outbox: reminders leave through a pluggable gateway only after the work that made them commits."""
