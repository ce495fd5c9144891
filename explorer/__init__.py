"""tiegraph's explorer: turn a tie graph into a self-contained interactive HTML page."""

__all__ = []
