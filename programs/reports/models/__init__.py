"""The monthly report: its indicators and validation rules, the reports and their values."""

from .indicators import Indicator, ValidationRule
from .monthly import MonthlyReport, ReportValue

__all__ = ["Indicator", "MonthlyReport", "ReportValue", "ValidationRule"]
