"""The notes' demo module, check_code.py, on today's Pillow: a picture of random characters.

    answer = new_answer()               # "K7PX2": secrets, not random (it must not be guessable)
    png = render_png(answer)            # bytes of a 160x60 PNG, drawn with fresh noise
    image = draw(answer, rng=random.Random(8))   # a seeded rng draws the same image every time

Drawing is CPU work (about 3 ms an image here): the app calls render_png in a thread
(IOLoop.run_in_executor), never on the event loop.
"""
from __future__ import annotations

import io
import random
import secrets

from PIL import Image, ImageDraw, ImageFilter, ImageFont

# No 0/O, 1/I/L or lowercase l: a human must be able to tell every glyph apart. Only capitals are
# drawn, and the answer is checked case-insensitively, so the learner may type them in lowercase.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 5  # 31 ** 5 = 28 629 151 possible answers
SIZE = (160, 60)  # width, height in pixels; the <img> tag says the same


def new_answer(length: int = LENGTH) -> str:
    """A random answer. secrets.choice draws from the OS's generator: the Mersenne Twister of
    the random module can be predicted from enough of its earlier output."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _color(rng: random.Random, low: int, high: int) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def draw(text: str, *, rng: random.Random | None = None,
         size: tuple[int, int] = SIZE) -> Image.Image:
    """Draw text as a captcha: each character in its own font size, rotated, shifted, in its own
    dark colour; then noise lines and points; then a filter that roughens the edges.

    rng decides everything random about the picture (not the answer: that is `text`). Pass
    random.Random(seed) to draw the same picture twice, as the notebook and the tests do.
    """
    rng = rng or random.Random()
    width, height = size
    image = Image.new("RGB", size, _color(rng, 225, 255))
    slot = width / len(text)
    for i, char in enumerate(text):
        # Pillow's own scalable font (Aileron, bundled with Pillow): no font file to ship.
        font = ImageFont.load_default(size=rng.randint(height * 5 // 10, height * 7 // 10))
        left, top, right, bottom = font.getbbox(char)
        # The character is drawn on a small grey-scale tile, which is rotated and then used as the
        # mask through which a colour is pasted: only the glyph's pixels get the colour.
        tile = Image.new("L", (right - left + 6, bottom - top + 6))
        ImageDraw.Draw(tile).text((3 - left, 3 - top), char, font=font, fill=255)
        tile = tile.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC, expand=True)
        x = round(i * slot + (slot - tile.width) / 2 + rng.uniform(-2, 2))
        y = round((height - tile.height) / 2 + rng.uniform(-4, 4))
        image.paste(_color(rng, 0, 130), (x, y, x + tile.width, y + tile.height), tile)

    pen = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 5)):  # noise lines, across the characters
        start = (rng.randrange(width), rng.randrange(height))
        end = (rng.randrange(width), rng.randrange(height))
        pen.line([start, end], fill=_color(rng, 0, 180), width=rng.randint(1, 2))
    for _ in range(width * height // 25):  # noise points: one pixel in 25
        pen.point((rng.randrange(width), rng.randrange(height)), fill=_color(rng, 0, 255))
    return image.filter(ImageFilter.EDGE_ENHANCE_MORE)


def render_png(text: str, rng: random.Random | None = None) -> bytes:
    """draw() encoded as PNG: what GET /captcha.png sends."""
    buffer = io.BytesIO()
    draw(text, rng=rng).save(buffer, format="PNG")
    return buffer.getvalue()
