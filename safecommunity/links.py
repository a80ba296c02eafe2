"""Links for pages of hundreds of rows: a URL pattern reversed once, each row's values put in
its place (the dashboard's table, the report grid)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what `reverse()` leaves unquoted in a path


def reverse_each(name: str, args: int = 1) -> Callable[..., str]:
    """`reverse(name, args=[…])` for many rows at the cost of one `reverse()`: the URL is
    reversed once around a marker per argument and each row's values put in their places,
    quoted as `reverse()` quotes them (for values the path converters accept, such as unit
    codes, ids and months)."""
    markers = [f"90706050403020{n}1" for n in range(args)]
    pieces, rest = [], reverse(name, args=markers)
    for marker in markers:
        head, found, rest = rest.partition(marker)
        assert found, name
        pieces.append(head)
    pieces.append(rest)

    def link(*values: object) -> str:
        parts = [pieces[0]]
        for value, piece in zip(values, pieces[1:], strict=True):
            parts += (quote(str(value), safe=URL_SAFE), piece)
        return "".join(parts)

    return link
