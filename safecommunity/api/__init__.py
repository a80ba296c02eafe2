"""The API's shared machinery, knowing no app's models: the request's language, the exception
handler, the permission, cursor pagination, the rate limit per token and the base viewset that
reads through the user's scope. Token authentication is `programs.core.api` (it needs the token
model); each resource's serializer and viewset live in its domain's `api.py`, and
`safecommunity/api/urls.py` gathers them under `/api/`."""
