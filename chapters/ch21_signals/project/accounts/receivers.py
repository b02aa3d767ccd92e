"""What the accounts app does when the blog publishes: it counts each author's posts.

The blog does not know this app listens (it only sends post_published); this app does not
know the blog's handlers. The count lives in the cache, on Redis: an INCR, atomic however many
processes serve the site.
"""
from blog.signals import post_published
from tornkit.signals import receiver


def posts_key(user_id: int) -> str:
    return f"posts-by:{user_id}"


# A module-level function lives as long as its module, and the signal is the blog's own: a
# strong reference (weak=False) says so, and cannot be collected early.
@receiver(post_published, weak=False)
async def count_post(sender, *, post, application) -> int:
    cache = application.caches["default"]
    await cache.add(posts_key(post.author_id), 0, timeout=None)  # SET NX: the first post's 0
    return await cache.incr(posts_key(post.author_id))


async def post_count(application, user_id: int) -> int:
    return await application.caches["default"].get(posts_key(user_id), 0)
