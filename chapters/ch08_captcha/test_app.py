"""Chapter 08's app: the picture, the store behind it, the form, and the attacks on the naive
variant (naive.py) that the chapter's app refuses."""
import asyncio
import base64
import binascii
import io
import random
import re
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from PIL import Image, ImageDraw, ImageFont
from tornado.ioloop import IOLoop

from chapters.ch08_captcha import check_code, naive
from chapters.ch08_captcha.app import CAPTCHA_COOKIE, make_app
from chapters.ch08_captcha.store import CaptchaStore
from workbook import manifest
from workbook.testing import CookieClient


class Clock:
    """The store's clock, moved by hand: no test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Renderer:
    """check_code.render_png, recording what it drew (the answer) and on which thread. Knowing
    the answer stands for a human reading the picture; the attacks below never use it."""

    def __init__(self) -> None:
        self.drawn: list[str] = []
        self.threads: list[int] = []
        self.started = threading.Event()
        self.gate: threading.Event | None = None  # when set up, drawing waits for it

    def __call__(self, text: str) -> bytes:
        self.drawn.append(text)
        self.threads.append(threading.get_ident())
        self.started.set()
        if self.gate is not None:
            self.gate.wait(10)
        return check_code.render_png(text)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(clock):
    return CaptchaStore(ttl=300.0, max_entries=50, clock=clock)


@pytest.fixture
def renderer():
    return Renderer()


@pytest.fixture
def variant():
    """Which app the test server runs: the chapter's, unless a test is marked @against_naive
    (which parametrizes this fixture's name, so the test must take `variant` as an argument)."""
    return "app"


@pytest.fixture
def app(variant, store, renderer):
    if variant == "naive":
        return naive.make_app(captcha_render=renderer)
    return make_app(captcha_store=store, captcha_render=renderer)


against_naive = pytest.mark.parametrize("variant", ["naive"])


async def open_form(visitor: CookieClient):
    """GET /login and the picture, as the browser does when it shows the page."""
    page = await visitor.get("/login")
    image = await visitor.get("/captcha.png")
    return page, image


async def submit(visitor: CookieClient, answer: str, username="topaz", password="tornado"):
    """POST the form, with the _xsrf token a page of the site carries."""
    return await visitor.post("/login", {"username": username, "password": password,
                                         "captcha": answer})


@pytest.fixture
def visitor(http_client, base_url):
    """A client that keeps its cookies, as a browser does (and as a bot does)."""
    return CookieClient(http_client, base_url)


def another_visitor(visitor: CookieClient) -> CookieClient:
    """A second client with a copy of visitor's cookies (a bot replaying what it saw)."""
    clone = CookieClient(visitor.http_client, visitor.base_url)
    clone.cookies = dict(visitor.cookies)
    return clone


def answer_hidden_in(cookie_value: str) -> str | None:
    """What a bot does with a cookie: no secret, no picture, only base64.

    Tornado's signed cookies (version 2) are "2|1:0|10:<timestamp>|<len>:<name>|<len>:<base64
    value>|<signature>": the signature stops the client from changing the value, not from
    reading it. The value may come quoted, as the Set-Cookie header sends it."""
    fields = cookie_value.strip('"').split("|")
    if len(fields) != 6 or fields[0] != "2":
        return None
    return base64.b64decode(fields[4].split(":", 1)[1]).decode()


# --- The picture: check_code.py ---------------------------------------------------------------
def test_the_alphabet_has_no_ambiguous_glyphs():
    assert not set("0O1Il") & set(check_code.ALPHABET)
    assert check_code.ALPHABET == check_code.ALPHABET.upper()  # only capitals are drawn


def test_answers_come_from_the_alphabet_and_vary():
    answers = {check_code.new_answer() for _ in range(200)}
    assert len(answers) == 200  # 31 ** 5 possibilities: 200 draws do not repeat
    assert all(len(a) == check_code.LENGTH and set(a) <= set(check_code.ALPHABET) for a in answers)


def test_a_seeded_rng_draws_the_same_picture_and_the_text_matters():
    def png(text, seed):
        return check_code.render_png(text, rng=random.Random(seed))

    assert png("K7PX2", 8) == png("K7PX2", 8)
    assert png("K7PX2", 8) != png("K7PX2", 9)  # the noise comes from the rng
    assert png("K7PX2", 8) != png("ABCDE", 8)  # and the characters from the text


def test_the_picture_has_characters_noise_and_many_colours():
    image = check_code.draw("K7PX2", rng=random.Random(8))
    assert (image.size, image.mode) == (check_code.SIZE, "RGB")
    # Dark glyphs on a light background, dotted with noise of every colour.
    colours = image.getcolors(maxcolors=100_000)
    assert len(colours) > 500
    dark = sum(count for count, rgb in colours if max(rgb) < 140)
    assert 0.04 < dark / (image.width * image.height) < 0.5


def test_pillow_removed_what_old_demos_use():
    # Pillow 10 removed font.getsize(), draw.textsize() and Image.ANTIALIAS; today it is
    # getbbox()/textbbox() and Image.Resampling.LANCZOS.
    font = ImageFont.load_default(size=30)
    assert not hasattr(font, "getsize")
    assert not hasattr(ImageDraw.ImageDraw, "textsize")
    assert not hasattr(Image, "ANTIALIAS") and Image.Resampling.LANCZOS
    left, top, right, bottom = font.getbbox("K")
    assert right > left and bottom > top


# --- GET /captcha.png --------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_captcha_png_is_a_png_of_the_promised_size_never_cached(visitor):
    response = await visitor.fetch("/captcha.png")
    assert response.code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Etag" not in response.headers
    image = Image.open(io.BytesIO(response.body))
    assert (image.format, image.size, image.mode) == ("PNG", check_code.SIZE, "RGB")


@pytest.mark.gen_test
async def test_two_pictures_differ_in_bytes_and_answer(visitor, renderer):
    first, second = await visitor.fetch("/captcha.png"), await visitor.fetch("/captcha.png")
    assert first.body != second.body
    assert len(renderer.drawn) == 2 and renderer.drawn[0] != renderer.drawn[1]


@pytest.mark.gen_test
async def test_the_cookie_holds_an_id_and_the_answer_stays_on_the_server(visitor, renderer):
    response = await visitor.fetch("/captcha.png")
    (set_cookie,) = response.headers.get_list("Set-Cookie")
    morsel = SimpleCookie(set_cookie)[CAPTCHA_COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    captcha_id = morsel.value
    assert len(captcha_id) == 43  # token_urlsafe(32): 32 random bytes
    answer = renderer.drawn[0]
    decoded = base64.urlsafe_b64decode(captcha_id + "=")
    assert answer not in captcha_id.upper() and answer.encode() not in decoded.upper()
    assert answer_hidden_in(captcha_id) is None


@pytest.mark.gen_test
async def test_the_picture_is_drawn_off_the_event_loop(visitor, renderer):
    renderer.gate = threading.Event()
    image = asyncio.ensure_future(visitor.fetch("/captcha.png"))
    # Wait (in a thread, not on the loop) until the drawing has begun and is held at the gate.
    assert await IOLoop.current().run_in_executor(None, renderer.started.wait, 10)
    page = await visitor.fetch("/login")  # the loop answers another request meanwhile...
    assert page.code == 200
    assert not image.done()  # ...while the picture is still being drawn
    renderer.gate.set()
    assert (await image).code == 200
    (drawing_thread,) = renderer.threads
    assert drawing_thread != threading.get_ident()  # the test (and the loop) run on this one


# --- The form -----------------------------------------------------------------------------------
@pytest.mark.gen_test
async def test_root_lists_the_chapters_pages(visitor):
    body = (await visitor.get("/")).body.decode()
    links = set(re.findall(r'href="(/[^"]*)"', body.split('id="pages"')[1]))
    assert links == {"/login", "/captcha.png"}
    assert set(manifest.for_path(__file__).paths) <= links | {"/"}


@pytest.mark.gen_test
async def test_the_form_shows_the_picture_and_reloads_it_on_click(visitor):
    response = await visitor.fetch("/login")
    html = response.body.decode()
    assert response.code == 200
    assert '<img id="captcha" src="/captcha.png" width="160" height="60"' in html
    assert 'name="_xsrf"' in html and 'name="captcha"' in html
    assert 'this.src = "/captcha.png?t=" + Date.now()' in html
    assert 'class="error"' not in html


@pytest.mark.gen_test
async def test_unknown_path_is_404(visitor):
    response = await visitor.fetch("/check_code")
    assert response.code == 404
    assert response.body == b"404 Not Found: no route matches /check_code\n"


@pytest.mark.gen_test
async def test_right_answer_logs_in(visitor, renderer, store):
    await open_form(visitor)
    response = await submit(visitor, renderer.drawn[-1])
    assert (response.code, response.body) == (200, b"Welcome, topaz.")
    assert CAPTCHA_COOKIE not in visitor.cookies  # cleared
    assert len(store) == 0  # used up


@pytest.mark.gen_test
@pytest.mark.parametrize("typed", [str.lower, lambda a: f"  {a}\n"], ids=["lowercase", "spaces"])
async def test_the_answer_ignores_case_and_spaces(visitor, renderer, typed):
    await open_form(visitor)
    response = await submit(visitor, typed(renderer.drawn[-1]))
    assert response.code == 200


@pytest.mark.gen_test
@pytest.mark.parametrize("typed", ["AAAAA", "", "验证码", "K7PX2" * 1000],
                         ids=["wrong", "empty", "chinese", "long"])
async def test_a_wrong_answer_is_refused_with_a_new_picture(visitor, typed):
    await open_form(visitor)
    response = await submit(visitor, typed)
    html = response.body.decode()
    assert response.code == 403
    assert "The characters did not match, or the picture had expired." in html
    assert '<img id="captcha" src="/captcha.png"' in html


@pytest.mark.gen_test
async def test_a_form_without_a_picture_is_refused(visitor):
    await visitor.fetch("/login")  # the page, but never the image: no captcha_id cookie
    response = await submit(visitor, "AAAAA")
    assert response.code == 403


@pytest.mark.gen_test
async def test_a_missing_field_is_a_400_that_names_it(visitor):
    await open_form(visitor)
    body = urlencode({"_xsrf": visitor.cookies["_xsrf"], "username": "topaz", "password": "x"})
    response = await visitor.fetch("/login", method="POST", body=body)
    assert response.code == 400
    assert response.body == b"400 Bad Request: Missing argument captcha\n"


@pytest.mark.gen_test
async def test_without_the_xsrf_token_the_form_is_refused(visitor, renderer):
    await open_form(visitor)
    body = urlencode({"username": "topaz", "password": "tornado", "captcha": renderer.drawn[-1]})
    response = await visitor.fetch("/login", method="POST", body=body)
    assert response.code == 403
    assert b"'_xsrf' argument missing from POST" in response.body


@pytest.mark.gen_test
@pytest.mark.parametrize("username, password", [("topaz", "wrong"), ("nobody", ""), ("", "")],
                         ids=["wrong password", "unknown user", "empty"])
async def test_the_password_is_checked_after_the_captcha(visitor, renderer, store,
                                                         username, password):
    await open_form(visitor)
    response = await submit(visitor, renderer.drawn[-1], username=username, password=password)
    assert response.code == 403
    assert "Wrong username or password." in response.body.decode()
    assert len(store) == 0  # the solved captcha was used up: next password, next picture


@pytest.mark.gen_test
async def test_a_new_picture_replaces_the_old_one(visitor, renderer):
    await open_form(visitor)
    old_visitor = another_visitor(visitor)  # keeps the first picture's cookie
    await visitor.fetch("/captcha.png")  # a click on the picture
    old_answer, new_answer = renderer.drawn
    assert (await submit(old_visitor, old_answer)).code == 403
    assert (await submit(visitor, new_answer)).code == 200


@pytest.mark.gen_test
async def test_an_expired_captcha_is_refused(visitor, renderer, clock):
    await open_form(visitor)
    clock.now += 300  # the store's ttl
    response = await submit(visitor, renderer.drawn[-1])
    assert response.code == 403
    await visitor.fetch("/captcha.png")
    clock.now += 299
    assert (await submit(visitor, renderer.drawn[-1])).code == 200


# --- The store: one guess, a few minutes, a bounded size -----------------------------------------
def test_store_right_answer_passes_once(store):
    captcha_id = store.new("K7PX2")
    assert store.check(captcha_id, "K7PX2") is True
    assert store.check(captcha_id, "K7PX2") is False


def test_store_a_wrong_guess_burns_the_entry(store):
    captcha_id = store.new("K7PX2")
    assert store.check(captcha_id, "K7PX3") is False
    assert store.check(captcha_id, "K7PX2") is False


def test_store_refuses_unknown_ids_and_never_raises(store):
    assert store.check("", "K7PX2") is False
    assert store.check(store.new("K7PX2"), "验证码") is False  # compare_digest on bytes


def test_store_expiry_uses_its_clock(store, clock):
    early, late = store.new("K7PX2"), store.new("K7PX2")
    clock.now += 299.9
    assert store.check(early, "K7PX2") is True
    clock.now += 0.1
    assert store.check(late, "K7PX2") is False


def test_store_is_bounded_and_drops_the_oldest(clock):
    store = CaptchaStore(ttl=300.0, max_entries=3, clock=clock)
    ids = [store.new(f"AAAA{n}") for n in range(2, 9)]
    assert len(store) == 3
    results = [store.check(i, f"AAAA{n}") for n, i in zip(range(2, 9), ids)]
    assert results == [False] * 4 + [True] * 3


def test_store_drops_expired_entries_when_it_adds(store, clock):
    for _ in range(10):
        store.new("K7PX2")
    clock.now += 300
    store.new("K7PX2")
    assert len(store) == 1


@pytest.mark.gen_test
async def test_a_flood_of_pictures_cannot_fill_the_memory(http_client, base_url, store, renderer):
    # 80 new visitors (no cookies) ask for a picture each; the store holds at most 50.
    bots = [CookieClient(http_client, base_url) for _ in range(80)]
    for bot in bots:
        await bot.fetch("/captcha.png")
    assert len(store) == store.max_entries == 50
    # The newest pictures still work; the oldest were dropped to make room.
    await bots[-1].fetch("/login")
    assert (await submit(bots[-1], renderer.drawn[79])).code == 200
    await bots[0].fetch("/login")
    assert (await submit(bots[0], renderer.drawn[0])).code == 403


# --- Attacks: the naive variant (answer in a signed cookie) against the chapter's app -------------
@pytest.mark.gen_test
@against_naive
async def test_naive_answer_is_readable_in_the_cookie(variant, visitor, renderer):
    bot = visitor
    await open_form(bot)
    stolen = answer_hidden_in(bot.cookies["captcha"])  # no secret, no picture
    assert stolen == renderer.drawn[-1]
    response = await submit(bot, stolen)
    assert (response.code, response.body) == (200, b"Welcome, topaz.")


@pytest.mark.gen_test
async def test_the_cookie_trick_fails_against_the_app(visitor, renderer):
    await open_form(visitor)
    assert [answer_hidden_in(v) for v in visitor.cookies.values()] == [None, None]
    for value in (v.strip('"') for v in visitor.cookies.values()):  # nor in plain base64
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(value + "=" * (-len(value) % 4))
            except (binascii.Error, ValueError):
                continue
            assert renderer.drawn[-1].encode() not in decoded.upper()
    # All a bot can do without reading the picture is guess: one guess, and the picture is gone.
    assert (await submit(visitor, "AAAAA")).code == 403


@pytest.mark.gen_test
@against_naive
async def test_naive_accepts_a_replayed_captcha(variant, visitor, renderer):
    human = visitor
    await open_form(human)
    replay = another_visitor(human)  # the (cookie, answer) pair, copied before it is used
    assert (await submit(human, renderer.drawn[-1])).code == 200
    for _ in range(3):  # clear_cookie asked the human's browser to forget; the bot did not
        assert (await submit(another_visitor(replay), renderer.drawn[-1])).code == 200


@pytest.mark.gen_test
async def test_a_replayed_captcha_fails_against_the_app(visitor, renderer):
    await open_form(visitor)
    replay = another_visitor(visitor)
    assert (await submit(visitor, renderer.drawn[-1])).code == 200
    assert (await submit(replay, renderer.drawn[-1])).code == 403


@pytest.mark.gen_test
@against_naive
async def test_naive_lets_a_bot_guess_again_and_again(variant, visitor, renderer):
    bot = visitor
    await open_form(bot)
    saved = dict(bot.cookies)
    for guess in ("AAAAA", "BBBBB", renderer.drawn[-1]):  # one picture, as many guesses as it likes
        bot.cookies = dict(saved)
        response = await submit(bot, guess)
    assert response.code == 200


@pytest.mark.gen_test
async def test_one_guess_per_picture_in_the_app(visitor, renderer):
    await open_form(visitor)
    saved = dict(visitor.cookies)
    assert (await submit(visitor, "AAAAA")).code == 403
    visitor.cookies = saved  # the bot sends the same cookie again, with the right answer now
    assert (await submit(visitor, renderer.drawn[-1])).code == 403
