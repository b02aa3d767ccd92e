"""Chapter 21's capstone blog (project/) in Chromium, on a real Redis and a MariaDB pair: a
visitor's whole path (sign up, the flash messages, log in, write, read), the two things
statics/site.js does (the like button's fetch() with the X-XSRFToken header, one like per
member, and its error message; the new post form's characters-left counter), and what a
member writes: escaped by the templates, and an injected script stopped by the
Content-Security-Policy."""
import re

import pytest
from playwright.sync_api import expect

from chapters.ch21_signals.app import make_app
from workbook.net import live_server

pytestmark = pytest.mark.browser

PASSWORD = "correct horse"


@pytest.fixture
def site(redis_url, pair_urls, tmp_path):
    app = make_app(redis_url=redis_url, pair_urls=pair_urls, data_dir=tmp_path)
    with live_server(app, on_stop=app.close) as base:  # the pools close on the app's own loop
        yield base


@pytest.fixture
def other(browser):
    """A second browser profile: another visitor, with cookies of its own."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def console_errors(page):
    """The page's console errors and uncaught exceptions, from now on."""
    errors = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def sign_up(page, base, name):
    page.goto(base + "/signup")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    assert page.url == base + "/login"
    expect(page.locator(".flash-success")).to_have_text(
        f"Welcome, {name}! Log in to write your first post.")


def log_in(page, base, name):
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    assert page.url == base + "/"
    expect(page.locator(".flash-success")).to_have_text(f"Hello again, {name}.")
    expect(page.locator("header .user")).to_have_text(name)


def publish(page, base, title, body):
    """Write a post through the form; the URL of its page."""
    page.goto(base + "/posts/new")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=body]", body)
    with page.expect_navigation():
        page.click("#new-post button")
    assert re.fullmatch(re.escape(base) + r"/posts/[0-9]+", page.url), page.url
    return page.url


def test_sign_up_log_in_write_and_find_the_post_without_console_errors(page, site):
    errors = console_errors(page)
    sign_up(page, site, "ada")
    page.reload()
    expect(page.locator("#flashed")).to_have_count(0)  # a flash message is shown once
    log_in(page, site, "ada")
    page.click("header >> text=write")
    page.wait_for_url(site + "/posts/new")
    post_url = publish(page, site, "Hello, world", "The first post.")
    expect(page.locator(".flash-success")).to_have_text("Published “Hello, world”.")
    expect(page.locator("#post h1")).to_have_text("Hello, world")
    expect(page.locator("#post .body")).to_have_text("The first post.")
    expect(page.locator("#post .meta")).to_contain_text("by ada (1 post)")  # the signal's count
    assert page.title() == "Hello, world · tornkit blog"
    expect(page.locator("#like")).to_be_enabled()
    page.click("header .brand")
    page.wait_for_url(site + "/")
    link = page.locator("article.post h2 a")
    expect(link).to_have_text(["Hello, world"])
    assert link.get_attribute("href") == post_url.removeprefix(site)
    expect(page.locator("main > .meta").first).to_contain_text("1 post,")
    assert errors == []


def test_a_like_counts_once_per_member_without_leaving_the_page(page, other, site,
                                                                 mariadb_pair):
    errors = console_errors(page)
    sign_up(page, site, "ada")
    log_in(page, site, "ada")
    post_url = publish(page, site, "Like me", "Please.")
    likes, button = page.locator("#likes"), page.locator("#like")
    expect(likes).to_have_text("0")
    page.evaluate("window.sameDocument = true")  # gone if the page were loaded again
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    expect(page.locator("#likes-word")).to_have_text("likes")
    button.click()
    expect(likes).to_have_text("1")
    expect(page.locator("#likes-word")).to_have_text("like")  # 1 like, not 1 likes
    with page.expect_response(lambda response: response.url.endswith("/like")) as second:
        button.click()  # the same member again: still one like
    assert second.value.status == 200 and second.value.json() == {"likes": 1}
    expect(button).to_be_enabled()  # like()'s finally: after the count was written
    expect(likes).to_have_text("1")
    expect(page.locator("#like-error")).to_have_text("")
    assert page.url == post_url and navigations == [] and page.evaluate("window.sameDocument")
    page.reload()
    expect(likes).to_have_text("1")  # in the database, not only on the page
    assert errors == []

    mariadb_pair.wait_replicated()  # the other visitor reads from the replica
    other.goto(post_url)
    expect(other.locator("#likes")).to_have_text("1")
    expect(other.locator("#like")).to_be_disabled()  # not logged in
    expect(other.locator("#like")).to_have_attribute("title", "log in to like")
    sign_up(other, site, "grace")
    log_in(other, site, "grace")
    other.goto(post_url)
    other.click("#like")
    expect(other.locator("#likes")).to_have_text("2")


def test_a_refused_like_says_so_and_changes_nothing(page, site):
    sign_up(page, site, "ada")
    log_in(page, site, "ada")
    publish(page, site, "Like me", "Please.")
    error, likes = page.locator("#like-error"), page.locator("#likes")

    page.context.clear_cookies(name="__TORNADOSSID")  # logged out in another tab, say
    page.click("#like")
    expect(error).to_have_text("could not like: log in first")  # LoginRequired's JSON 401
    expect(page.locator("#like")).to_be_enabled()

    page.context.clear_cookies(name="_xsrf")  # site.js sends an empty X-XSRFToken: a 403
    with page.expect_response(lambda response: response.url.endswith("/like")) as refused:
        page.click("#like")
    assert refused.value.status == 403
    expect(error).to_have_text(re.compile(r"^could not like: 403 Forbidden: '_xsrf' argument"))
    expect(likes).to_have_text("0")
    expect(page.locator("#like")).to_be_enabled()


def test_the_new_post_form_counts_the_characters_left(page, site):
    sign_up(page, site, "ada")
    log_in(page, site, "ada")
    page.goto(site + "/posts/new")
    left, body = page.locator("#body-left"), page.locator("textarea[name=body]")
    expect(left).to_have_text("2000")
    body.press_sequentially("hello")  # key by key: an input event each
    expect(left).to_have_text("1995")
    body.press("Backspace")
    expect(left).to_have_text("1996")
    body.fill("")
    expect(left).to_have_text("2000")


INJECT = """kind => new Promise(resolve => {  // the directive the CSP enforced
  document.addEventListener("securitypolicyviolation", e => resolve(e.effectiveDirective));
  setTimeout(() => resolve("no violation"), 5000);
  if (kind === "handler") {
    const img = `<img src=x onerror="document.title='pwned'">`;
    document.querySelector("#post .body").innerHTML = img;
  } else {
    const script = document.createElement("script");
    script.textContent = "document.title = 'pwned'";
    document.body.append(script);
  }
})"""


def test_markup_in_a_post_is_text_and_an_injected_script_does_not_run(page, site):
    title = "<script>document.title='pwned'</script>"
    body = """<img src=x onerror="document.title='pwned'">"""
    sign_up(page, site, "ada")
    log_in(page, site, "ada")
    publish(page, site, title, body)
    expect(page.locator("#post h1")).to_have_text(title)  # shown as text, escaped
    expect(page.locator("#post .body")).to_have_text(body)
    expect(page.locator("main img, main script")).to_have_count(0)
    assert page.title() == f"{title} · tornkit blog"

    # Had the escaping failed: the CSP (no 'unsafe-inline') refuses inline handlers and scripts.
    assert page.evaluate(INJECT, "handler") == "script-src-attr"
    assert page.evaluate(INJECT, "script") == "script-src-elem"
    assert page.title() == f"{title} · tornkit blog"
    page.goto(site + "/")
    expect(page.locator("article.post h2 a")).to_have_text([title])
