"""The schema documents the API's refusals too, so a client (and the contract test) knows every
answer: 400 with field messages or `detail`, 401, 403, 404 and 429 with `detail`."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "`detail`, or each refused field with its messages.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}
REFUSALS = {
    "400": ("The query or body is refused; the messages name the field.", FIELD_ERRORS),
    "401": ("No valid token or session.", DETAIL),
    "403": ("Not allowed (a write this user may not make).", DETAIL),
    "404": ("No such record in the user's scope.", DETAIL),
    "429": ("Over the token's rate; retry after `Retry-After` seconds.", DETAIL),
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (description, schema) in REFUSALS.items():
            responses.setdefault(
                code,
                {"content": {"application/json": {"schema": schema}}, "description": description},
            )
        return responses
