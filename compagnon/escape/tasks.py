"""The escape game has no background work: the clock is computed from the session's
timestamps on each request, and nothing is sent by email."""
