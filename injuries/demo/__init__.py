"""Demo injury records for `manage.py load_demo_data`: the generator (`records`) and the shares,
seasons and scenes it draws from (`tables`)."""

from injuries.demo.records import YEARS, injuries_demo

__all__ = ["YEARS", "injuries_demo"]
