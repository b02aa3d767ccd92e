"""A property-based fuzz of every ready chapter's app: the workbook's apps are small, but each one
is a web server, and a web server must survive whatever arrives on its port.

For each chapter that chapters.toml marks ready, the chapter's own make_app() is built the way
every workbook-wide test builds it (the `chapter_app` fixture of tests/conftest.py: its data in
a fresh tmp dir, its servers' URLs from its `services`, and the optional `fuzz` settings of its
manifest entry, see apps.py), served by one real HTTP server on 127.0.0.1, and sent at least
MIN_REQUESTS requests that hypothesis generates from the app itself:

- routes read from the Application (default_router, wildcard_router, the host routers of
  add_handlers, the static routes), paths drawn from each route's regex (st.from_regex), the
  chapter's `paths` from the manifest, the links its pages show, and hostile variants of all of
  them: percent-encodings, NUL bytes, traversal (../, %2e%2e/, ..\\, overlong UTF-8, ...);
- methods, query strings and form fields named after the arguments the app reads (its
  get_*argument calls, its forms' input names, its string constants), with hostile values:
  markup, redirect targets, traversal, SQL, numbers that do not fit, text that is not UTF-8;
- headers (Host from the host patterns and worse, Origin / Sec-Fetch-Site, Range, conditional
  requests, XSRF headers, garbage), cookies (the app's real cookies replayed, and its signed
  cookies truncated, flipped, re-signed with a wrong or a published key, expired, moved to another
  name), bodies (urlencoded, JSON and multipart, valid and malformed, in wrong charsets, and
  bigger than the limits), and raw malformed HTTP that no ordinary client would send.

Every answer is checked (detectors.py): no 5xx, no traceback, no secret (the app's
cookie_secret), no file path of the repository or of the app's data, no content of a file outside
what the app serves, no unescaped markup the fuzz sent in an HTML page, no redirect to another
site, no error in Tornado's or asyncio's log, no request left unanswered. Around the run, the
repository tree is compared before and after (writes.py: nothing may be written there, the app's
data lives in tmp_path, and the working directory is an empty tmp dir that must stay empty), and
afterwards every page the manifest lists must still answer 200.

The modules: apps.py (what the manifest says about each app), target.py (what the fuzz reads
from the app and its code), generators.py (the requests), client.py (sending raw bytes),
detectors.py (judging answers), writes.py (what the process writes), run.py (one run);
test_fuzz.py (every ready chapter), test_planted.py (a planted app with one bug of each kind:
the fuzz must see every one).

Run it alone:  .venv/bin/python -m pytest tests/fuzz
Reproducible: derandomize=True, no example database (nothing is written to .hypothesis/).
A finding is reported with the exact bytes sent and the answer, ready to replay with
`printf '...' | nc 127.0.0.1 PORT` against `make chapter-NN`.
"""
