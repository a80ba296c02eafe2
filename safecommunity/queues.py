"""Review queues: the filtered list a reviewer works through, carried from the queue to each
record's page and back as its query string, so that after each decision the page moves on to
the next record of the same queue ("next").

A record's page gets the queue as `?queue=<the queue's query string>`; its decision forms post
it back in a hidden field of the same name; the decision's view asks `next_in_queue` with the
queue's record ids in order, read *before* the decision (the decided record may leave a queue
filtered by state)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict

QUEUE_PARAM = "queue"
QUEUE_MAX_LENGTH = 1000  # a query string longer than this is not one of the queue's


def queue_of(request: HttpRequest) -> QueryDict | None:
    """The queue's filters the request carries (POST, else GET), or None when it carries none
    (or something too long to be one)."""
    text = request.POST.get(QUEUE_PARAM) or request.GET.get(QUEUE_PARAM) or ""
    if not text or len(text) > QUEUE_MAX_LENGTH:
        return None
    query = QueryDict(text, mutable=True)
    query.pop("page", None)
    return query


def with_queue(url: str, query: QueryDict | None) -> str:
    """`url` carrying the queue, for the next record's page."""
    if not query:
        return url
    return f"{url}?{urlencode({QUEUE_PARAM: query.urlencode()})}"


def next_in_queue(ids: list[int], current: int) -> int | None:
    """The id after `current` in the queue's order (`ids`, read before the decision), or the
    first other one when `current` was not in it; None when nothing else waits."""
    rest = ids[ids.index(current) + 1 :] if current in ids else ids
    return next((pk for pk in rest if pk != current), None)


@dataclass(frozen=True)
class QueuePlace:
    """Where a record stands in the queue it was opened from: "3 of 12", and the next one's
    page (carrying the queue), if any."""

    position: int | None  # None when the record is no longer in the queue
    total: int
    next_url: str


def place_in_queue(
    rows: list[tuple[int, str]], current: int, query: QueryDict | None
) -> QueuePlace:
    """The place of `current` among the queue's `rows` — (id, page URL) in the queue's order."""
    ids = [pk for pk, _url in rows]
    following = next_in_queue(ids, current)
    urls = dict(rows)
    return QueuePlace(
        position=ids.index(current) + 1 if current in ids else None,
        total=len(rows),
        next_url=with_queue(urls[following], query) if following is not None else "",
    )
