"""Pure domain functions of the stations app (no ORM): datums, opening hours, coverage."""
