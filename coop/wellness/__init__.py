"""The Wellness Center: services, attendants, schedules, bookings, payments, earnings."""
