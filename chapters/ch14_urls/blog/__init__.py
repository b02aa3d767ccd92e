"""The blog app: its urls.py groups its routes from url_post.py and url_photo.py."""
