"""The blog app: posts and likes on the replicated database, a page of them, and their API."""
