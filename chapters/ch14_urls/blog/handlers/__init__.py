"""The blog app's handlers; Url("chapters.ch14_urls.blog.handlers") is their prefix."""
