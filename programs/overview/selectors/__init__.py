"""Reading across every domain: certification progress, the dashboard, a unit's summary."""
