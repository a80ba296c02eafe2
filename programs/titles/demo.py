"""Demo titles: units holding, applying for and about to lose their titles."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from programs.core.models import CreatingUnit, User
from programs.titles.models import Certification

# (unit code, level, final status, applied on, named on)
TITLES = [
    ("T05", "municipal", "named", date(2025, 9, 1), date(2025, 12, 12)),
    ("T10", "municipal", "named", date(2025, 9, 1), date(2025, 12, 12)),
    ("T17", "municipal", "named", date(2025, 9, 5), date(2025, 12, 18)),
    ("S04", "municipal", "named", date(2025, 9, 5), date(2025, 12, 18)),
    ("T07", "national", "onsite", date(2026, 6, 1), None),
    ("T09", "municipal", "review", date(2026, 10, 8), None),
    ("T11", "municipal", "onsite", date(2026, 9, 2), None),
    ("T13", "municipal", "rectify", date(2026, 7, 15), None),
]
# Older titles close to expiry, counted from the day the demo is loaded, so the 30- and 90-day
# warnings always show: (unit code, days left).
EXPIRING = [("T07", 21), ("S06", 47)]


def titles_demo(district: User) -> None:
    """The pilots' Beijing titles, two older titles about to expire, and applications under way."""
    if Certification.objects.exists():
        return
    today = timezone.localdate()
    rows = list(TITLES)
    for code, days_left in EXPIRING:
        valid_until = today + timedelta(days=days_left)
        named_on = valid_until - timedelta(days=3 * 365)  # about three years: a Beijing title
        rows.append((code, "municipal", "named", named_on - timedelta(days=110), named_on))
    codes = [row[0] for row in rows]
    units = CreatingUnit.objects.select_related("program").in_bulk(codes, field_name="code")
    for number, (code, level, status, applied_on, named_on) in enumerate(rows, start=1):
        unit = units.get(code)
        if unit is None:
            continue
        title = Certification(unit=unit, level=level, status=status, applied_on=applied_on)
        if named_on:
            title.named_on = named_on
            title.valid_until = title.default_valid_until(named_on)
            title.certificate_number = f"京安社〔{named_on.year}〕{number:03d}号"
        title._history_user = district
        title.full_clean()
        title.save()
