"""Demo injury records for `manage.py load_demo_data` (`records`)."""

from injuries.demo.records import YEARS, injuries_demo

__all__ = ["YEARS", "injuries_demo"]
