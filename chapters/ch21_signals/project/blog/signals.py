"""The blog's own signal. Whoever listens (the accounts app counts each author's posts) is
connected in their own module; the blog only sends.

post_published: sent by whatever published a post (the page or the API), awaited.
    sender: the handler's class; post= the new Post; application= the site
"""
from tornkit.signals import BlinkerSignal

post_published = BlinkerSignal("post_published", "sender: the handler class; post=, application=")
