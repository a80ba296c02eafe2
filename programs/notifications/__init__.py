"""Notifications: who is told of which event, in the portal and by e-mail."""
