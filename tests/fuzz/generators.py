"""The requests: one hypothesis strategy (Requests(ctx).strategy()) that draws a whole request,
clean or hostile, from what the fuzz learned about the app (Context). Every strategy is built
once, in Requests.__init__; the draw methods only draw from them (building strategies while
drawing costs more than the HTTP exchange)."""
from __future__ import annotations

import base64
import dataclasses
import json
import re
import time
from urllib.parse import quote, urlencode

import tornado.web
from hypothesis import strategies as st

from .target import Route, Target

# Bad values of a slow argument (apps.py), whatever it means: not numbers, or out of any range
BAD_VALUES = ("0", "-1", "-0.0", "1.5", "99", "nan", "inf", "-inf", "1e309", "0x1", "", " ",
              "one", "<fuzz-xss>", "\x00")


@dataclasses.dataclass
class Sent:
    raw: bytes  # every byte written to the socket
    short: bool = False  # cut short on purpose (or a long poll): no answer is fine


@dataclasses.dataclass
class Context:
    """What the strategies draw from: the target, plus what the first requests taught."""

    target: Target
    port: int
    routes: list[Route]
    paths: list[str]  # known-good paths, literal routes, links found in the pages
    params: list[str]  # argument names
    file_fields: list[str]  # the names of the file inputs the pages show
    jar: dict[str, str]  # cookies the app really set: name -> raw value, as in Set-Cookie
    signed: dict[str, list[bytes]]  # signed cookie name -> values the app issues
    secret: object  # the app's cookie_secret (str, bytes or {key_version: secret}), or None
    key_version: int | None
    xsrf: str  # a valid _xsrf cookie value (the same string in the field or header passes)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def sign(self, name: str, value, secret=None, clock=None) -> str:
        secret = self.secret if secret is None else secret
        key_version = self.key_version if secret is self.secret else None
        return tornado.web.create_signed_value(secret, name, value, clock=clock,
                                               key_version=key_version).decode()


HOSTILE_VALUES = {  # by attack, so that each one comes up often
    "markup": ["<fuzz-xss>", "\"><fuzz-xss a='", "'><fuzz-xss>", "</script><fuzz-xss>",
               "{{ 7*7 }}<fuzz-xss>", "<fuzz-xss onerror=alert(1)>", "&lt;fuzz-xss&gt;"],
    "redirect": ["//evil.example", "https://evil.example/", "/\\evil.example", "/\t/evil.example",
                 "\\\\evil.example", "javascript:alert(1)", "http:evil.example", " //evil.example",
                 "/%2F%2Fevil.example", "/members", "/", "", "///evil.example", "\x00//evil"],
    "path": ["../../../../etc/passwd", "..\\..\\..\\conftest.py", "/etc/passwd", "a/../../b",
             "%2e%2e%2f%2e%2e%2f", "C:\\Windows\\win.ini", "\x00", "con", ".", "..", "~"],
    "injection": ["' OR '1'='1", "\" OR 1=1 -- ", "admin'--", "topaz'; DROP TABLE users; --",
                  "\r\nX-Injected: 1", "%0d%0aX-Injected:%201", "${7*7}", "%s%s%n", "{0.__class__}",
                  "\\", "'", "\"", "`", ";", "|", "$(id)"],
    "number": ["0", "-1", "1", "2", "3", "20", "21", "-0", "1e309", "nan", "inf", "0x10", "１２",
               "99999999999999999999999", "1.5", "4294967296", "+1", " 3 ", "1_000"],
    "size": ["a" * 33, "b" * 129, "c" * 256, "d" * 1100, "é" * 300, "x" * 5000],
    "unicode": ["☃", "𝕏𝕐", "\u202e", "\ufeff", "Ω≈ç√", "\u0085", "ｆｕｚｚ", "e\u0301", "\x7f"],
    "file name": ["a.png", "b.jpg", "c.gif", "d.pdf", "e.txt", "../../f.png", "g.PNG", "h.exe",
                  "i.png.html", "j", ".txt", "k l.pdf", "m\x00.png"],
}
# A file that is what its name says: (extension, first bytes); uploads that pass the type check
# reach the code that stores them.
FILE_KINDS = [(".png", b"\x89PNG\r\n\x1a\n"), (".jpg", b"\xff\xd8\xff"), (".gif", b"GIF89a"),
              (".pdf", b"%PDF-1.7\n"), (".txt", b"plain text\n")]
DOTDOT = ["../", "..%2f", "..%2F", "%2e%2e/", "%2e%2e%2f", "..%5c", "..\\", "%252e%252e%252f",
          "....//", ".%2e/", "%c0%ae%c0%ae/", "..;/", "..%00/", "%2e%2e%5c", "..%c0%af"]
TRAVERSAL_TARGETS = ["etc/passwd", "pyproject.toml", "conftest.py", "README.md", ".git/HEAD",
                     "var/", "chapters/chapters.toml"]
STANDARD_METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "HEAD", "PUT", "DELETE",
                    "PATCH", "OPTIONS"]
WEIRD_METHODS = ["TRACE", "CONNECT", "PROPFIND", "get", "FOO", "G\x00T", "M" * 300, "POST\t",
                 "GET /", "Ω"]
WRONG_KEYS = ["wrong-key-" + "0" * 32, "", "x",
              # The two secrets printed in the notes (加密cookie; 实例1 and 实例2)
              "61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo=",
              "t114uXSkw1SZ6xlWOCASQWYKkIuW7Wl2bTnbsLzsJyoOI7EqnnaT8HDzFNbB9Ryw"]
MAGIC = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"%PDF-", b"plain text ", b"",
         b"\x00\xff\xfe", b"<html><fuzz-xss>", b"MZ\x90\x00", b"PK\x03\x04"]
HOSTILE_FILENAMES = ["../../stray.txt", "..\\..\\stray.png", "/etc/passwd", "a\x00.png",
                     "a.png\x00.txt", "x.PNG", "x.png.exe", "x.txt;.png", ".png", ".", "..", "",
                     "CON.txt", "%2e%2e%2fstray.txt", "a\"b.png", "a\r\nX-Injected: 1.png",
                     "☃.gif", "n" * 300 + ".pdf", "x.json", "x.part", "x.html", "x.svg"]
CHARSETS = ["", "; charset=utf-8", "; charset=UTF-8", "; charset=latin-1", "; charset=utf-16",
            "; charset=bogus", ";charset=", "; charset=\"utf-8\"", ";;;"]
HOSTS = ["evil.example", "", "127.0.0.1", "localhost", "[::1]:1", "127.0.0.1:0", "a" * 300,
         "safe.localhost", "admin.localhost", "127.0.0.1@evil.example", "h\x00st", "ⓔvil.example",
         "127.0.0.1:99999", "127.0.0.1 ", "-", ".."]
EXTRA_HEADERS = {
    "Origin": ["null", "http://evil.example", "http://{host}", "", "http://{host}.evil.example",
               "file://", "http://127.0.0.1"],
    "Sec-Fetch-Site": ["same-origin", "same-site", "cross-site", "none", "garbage", ""],
    "Sec-Fetch-Mode": ["navigate", "cors", "no-cors"],
    "Referer": ["http://evil.example/", "http://{host}/", "garbage", ""],
    "Accept-Language": ["zh-CN,zh;q=0.9", "*", "xx", ";q=", "en;q=nan", "a" * 300],
    "If-None-Match": ['"abc"', "*", 'W/"x"', "garbage", '""', ""],
    "If-Modified-Since": ["Thu, 01 Jan 1970 00:00:00 GMT", "garbage", "", "0",
                          "Fri, 31 Dec 9999 23:59:59 GMT", "Sat, 29 Feb 2031 00:00:00 GMT"],
    "Range": ["bytes=0-0", "bytes=-1", "bytes=5-2", "bytes=0-99999999999999999999", "bytes=",
              "bytes=a-b", "lines=1-2", "bytes=0-1,2-3", "bytes=-0", "bytes=99999-", "bytes=0-"],
    "Accept-Encoding": ["gzip", "br, *;q=0", "garbage"],
    "Accept": ["application/json", "*/*", "text/html;q=garbage"],
    "X-Forwarded-For": ["1.2.3.4", "garbage", "::1, evil"],
    "X-Real-Ip": ["1.2.3.4", "garbage"],
    "X-Scheme": ["https", "javascript"],
    "X-Forwarded-Proto": ["https", "gopher"],
    "Authorization": ["Basic Zm9vOmJhcg==", "Bearer x", "Basic !!!"],
    "Expect": ["100-continue", "garbage"],
    "Content-Encoding": ["gzip", "identity", "garbage"],
    "User-Agent": ["", "Mozilla/5.0", "u" * 2000],
    "X-Requested-With": ["XMLHttpRequest"],
    "Cache-Control": ["no-cache", "max-age=-1"],
}
MB = 1024 * 1024


# The characters text is drawn from: ASCII (control characters included) and a few of each kind
# of trouble beyond it. An explicit alphabet also spares hypothesis its Unicode table (seconds).
ALPHABET = [chr(c) for c in range(0x80)] + list(
    "éÿ\x80\x85\xa0\xad☃𝕏ｆ中文\u0301\u200b\u202e\u2028\ufeff\uffff\U0001f600Ωß")


def choice(options):
    return st.sampled_from(list(options))


def index(n):
    return st.integers(0, n - 1)


def alphabet_for(regex):
    return sorted(set(ALPHABET) | {c for c in regex if not c.isspace()})


class Requests:
    """The strategy of one request, and the draw methods it is made of."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.words = ctx.target.words or ["x"]
        self.params = ctx.params or ["x"]
        routes = self.routes = ctx.routes or [Route(None, "/$", tornado.web.RequestHandler, "/")]
        self.implemented = [list(r.methods or ("GET",)) for r in routes]
        self.all_methods = sorted({m for ms in self.implemented for m in ms})
        self.page_methods = []  # the methods of the route each known page belongs to
        for page in ctx.paths:
            i = next((i for i, r in enumerate(routes) if r.host is None and
                      re.match(r.regex, page.split("?")[0])), None)
            self.page_methods.append(self.implemented[i] if i is not None else self.all_methods)
        self.prefixes = sorted({r.prefix for r in routes})
        self.file_fields = ctx.file_fields or self.params
        self.host_patterns = sorted({r.host for r in routes if r.host})
        self.signed_names = sorted(ctx.signed) or ["user"]
        self.jar_names = sorted(ctx.jar)

        self.text = st.text(alphabet=ALPHABET, max_size=10)
        self.short_text = st.text(alphabet=ALPHABET, max_size=6)
        self.percent = st.integers(0, 99)
        self.big = st.integers(0, 2**31)
        self.values = st.one_of(choice(HOSTILE_VALUES["markup"]),  # twice: the XSS probe
                                *(choice(v) for v in HOSTILE_VALUES.values()), choice(self.words),
                                self.text, st.integers(-2**70, 2**70).map(str))
        self.pinned = {name: st.one_of(choice(cheap), choice(BAD_VALUES))  # slow arguments
                       for name, cheap in ctx.target.values.items()}
        params = self.params
        self.names = st.one_of(choice(params), choice(params), choice(params), choice(self.words),
                               self.short_text, choice(["_xsrf", "", "a[]", "a.b", "%"]))
        self.route_paths = [st.from_regex(r.regex, fullmatch=True, alphabet=alphabet_for(r.regex))
                            for r in routes]
        self.host_names = [st.from_regex(p, fullmatch=True, alphabet=alphabet_for(p))
                           for p in self.host_patterns]
        self.header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True,
                                          alphabet=ALPHABET)
        self.extra_headers = st.lists(choice(sorted(EXTRA_HEADERS)), max_size=3, unique=True)
        self.extra_values = {k: choice(v) for k, v in EXTRA_HEADERS.items()}
        self.pair_counts, self.item_counts = index(5), index(4)
        self.file_counts = choice([0, 1, 1, 1, 2])
        self.s = {name: choice(options) for name, options in {
            **CHOICES,
            "page": range(len(ctx.paths)), "route": range(len(routes)), "prefix": self.prefixes,
            "port": ["", f":{ctx.port}", ":1"],
            "odd target": [b"*", b"", b"http://evil.example/", b"//", b"/" * 50,
                           f"http://{ctx.host}/".encode(), b"?", b"%", b"/%00", b"/" + b"a" * 9000,
                           b"\\", b"/\xff\xfe", b"../"],
            "signed": self.signed_names, "jar": self.jar_names or ["x"],
            "other name": sorted(set(ctx.signed) | {"_xsrf", "user", "x"}),
            "file field": self.params + ["file"], "form file field": self.file_fields,
        }.items()}
        self.junk = st.binary(min_size=1, max_size=60)
        self.content = st.binary(max_size=40)
        self.raw_body = st.binary(max_size=100)
        self.booleans = st.booleans()


    def strategy(self):
        @st.composite
        def request(draw) -> Sent:
            return self.malformed(draw) if draw(self.percent) < 5 else self.composed(draw)

        return request()

    def pick(self, draw, seq):  # an element of a list built during the draw
        return seq[draw(self.big) % len(seq)]

    def encode(self, draw, path: str) -> bytes:
        how = draw(self.s["encoding"])
        safe = "/:@!$&'()*+,;=~"
        if how == "quote":
            return quote(path, safe=safe).encode()
        if how == "raw":
            return path.encode("utf-8", "surrogateescape")
        if how == "latin-1":
            return quote(path, safe=safe, encoding="latin-1", errors="replace").encode()
        return quote(quote(path, safe=safe), safe=safe).encode()

    def mangle(self, draw, p: bytes) -> bytes:
        mangled = [p + b"/", p + b"%00", p + b"%00.png", p.upper(), b"/" + p, p + b"/.",
                   p + b"/..", p + b";x", p + b"%2f", p.replace(b"/", b"%2f"), p + b"#frag",
                   p + b"?", p * 3, p + b"/" + b"a" * 300, p + b"%", p + b"%zz", p + b"%ff%fe",
                   p + b"\\", b"/./" + p, p + b"%20", p + b"\t", p + b"/%2e%2e/", b"/%2e" + p,
                   p.replace(b"/", b"//"), p + b"%c0%ae", p + b"\x00"]
        return self.pick(draw, mangled)

    def target(self, draw, clean: bool) -> tuple[bytes, list[str]]:
        """A request target, and the methods its handler implements."""
        kind = draw(self.percent)
        if clean:  # a route or a page as it is
            kind = 20 + kind % 10 if kind < 60 else 65 + kind % 10
        if kind < 50:  # drawn from a route's own regex, as it is or mangled
            i = draw(self.s["route"])
            p = self.encode(draw, draw(self.route_paths[i]))
            return (self.mangle(draw, p) if kind < 20 else p), self.implemented[i]
        if kind < 75:  # a known page, as it is or mangled
            i = draw(self.s["page"])
            p = self.ctx.paths[i].encode()
            return (self.mangle(draw, p) if kind < 65 else p), self.page_methods[i]
        if kind < 95:  # traversal out of a route's folder
            s = self.s
            target = (draw(s["prefix"]) + draw(s["lead"]) + draw(s["dotdot"]) * draw(s["depth"])
                      + draw(s["tail"]))
            return target.encode(), ["GET", "HEAD"]
        return draw(self.s["odd target"]), self.all_methods

    def pairs(self, draw) -> list[tuple[str, str]]:
        found = []
        for _ in range(draw(self.pair_counts)):
            name = draw(self.names)
            found.append((name, draw(self.pinned.get(name, self.values))))
        return found

    def query(self, draw, clean: bool) -> bytes:
        items = self.pairs(draw)
        how = "utf-8" if clean else draw(self.s["query encoding"])
        if how == "raw":
            return "&".join(f"{n}={v}" for n, v in items).encode("utf-8", "surrogateescape")
        if how == "latin-1":
            return urlencode(items, encoding="latin-1", errors="replace").encode()
        q = urlencode(items).encode()
        return q + draw(self.s["broken"]) if how == "broken" else q

    def host_header(self, draw) -> bytes | None:
        kind = draw(self.percent) // 5
        if kind < 15:
            return self.ctx.host.encode()
        if kind < 17 and self.host_names:
            name = draw(self.pick(draw, self.host_names))
            return (name + draw(self.s["port"])).encode("utf-8", "surrogateescape")
        if kind < 19:
            return draw(self.s["hosts"]).encode()
        return None  # HTTP/1.1 requires a Host: Tornado 6.6 answers 400

    def forged_value(self, draw, name: str) -> str:
        value = self.pick(draw, self.ctx.signed.get(name) or [b"guest"])
        real = self.ctx.sign(name, value) if self.ctx.secret is not None else \
            self.ctx.sign(name, value, secret=WRONG_KEYS[0])
        how = draw(self.s["forgery"])
        if how == "replay":
            return real
        if how == "truncated":
            return real[:draw(self.big) % len(real)]
        if how == "flipped":
            i = draw(self.big) % len(real)
            return real[:i] + draw(self.s["flip"]) + real[i + 1:]
        if how == "wrong key":
            forged = value if draw(self.booleans) else draw(self.s["forged value"])
            return self.ctx.sign(name, forged, secret=draw(self.s["wrong key"]))
        if self.ctx.secret is not None and how == "other name":
            return self.ctx.sign(draw(self.s["other name"]), value)
        if self.ctx.secret is not None and how == "expired":
            days = draw(self.s["age"])
            return self.ctx.sign(name, value, clock=lambda: time.time() - days * 86400)
        if self.ctx.secret is not None and how == "future":
            return self.ctx.sign(name, value, clock=lambda: time.time() + 40 * 86400)
        if how == "version 1":
            return f"{base64.b64encode(value).decode()}|{int(time.time())}|{'0' * 40}"
        if how == "huge length":
            return "2|1:0|99999999999999999999:1|4:role|8:Z3Vlc3Q=|" + "0" * 64
        if how == "unknown key version":
            return real.replace("2|1:0|", "2|1:7|", 1) if real.startswith("2|1:0|") else "2|1:7|"
        if how == "quoted":
            return f'"{real}"'
        return draw(self.s["garbage signed"])

    def cookie_header(self, draw, xsrf: bool, clean: bool) -> bytes | None:
        items = []
        for _ in range(draw(self.item_counts)):
            kind = draw(self.percent) // 10
            if clean:  # the app's own cookies, replayed or forged
                kind %= 7
            if kind < 3 and self.jar_names:
                name = draw(self.s["jar"])
                items.append(f"{name}={self.ctx.jar[name]}".encode())
            elif kind < 7:
                name = draw(self.s["signed"])
                items.append(f"{name}={self.forged_value(draw, name)}".encode())
            elif kind < 9:
                item = f"{draw(self.names)}={draw(self.values)}"
                if draw(self.percent) < 75:  # control characters: Tornado 6.6 refuses the request
                    item = re.sub(r"[\x00-\x1f\x7f]", "", item)
                items.append(item.encode("utf-8", "surrogateescape"))
            else:
                items.append(draw(self.s["garbage cookie"]))
        if xsrf:
            items.append(b"_xsrf=" + self.ctx.xsrf.encode())
        separator = b"; " if clean else draw(self.s["separator"])
        return separator.join(items) if items else None

    def body(self, draw, method: bytes, xsrf_field: bool,
             clean: bool) -> tuple[bytes | None, bytes]:
        """(Content-Type or None, body). Mostly none for GET and HEAD: Tornado parses any body,
        and a malformed one is a 400 before the handler runs."""
        kind = draw(self.percent)
        if method in (b"GET", b"HEAD", b"OPTIONS", b"DELETE") and (
                clean or draw(self.percent) < 75):
            return None, b""
        fields = self.pairs(draw)
        if xsrf_field:
            fields.append(("_xsrf", self.ctx.xsrf))
        if clean:  # a form or an upload, as a browser sends them
            if kind < 60:
                return b"application/x-www-form-urlencoded", urlencode(fields).encode()
            return self.multipart(draw, fields, clean=True)
        charset = draw(self.s["charset"])
        if kind < 15:
            return None, b""
        if kind < 50:  # urlencoded, in a wrong charset now and then
            encoding = draw(self.s["body encoding"])
            data = urlencode(fields, encoding="latin-1" if encoding == "latin-1" else "utf-8",
                             errors="replace").encode()
            if encoding == "utf-16":
                data = data.decode().encode("utf-16")
            data += draw(self.s["form tail"])
            return (draw(self.s["form type"]) + charset).encode(), data
        if kind < 58:  # JSON
            data = draw(self.s["json"]) or json.dumps(
                dict(fields), ensure_ascii=draw(self.booleans)).encode()
            return ("application/json" + charset).encode(), data
        if kind < 85:
            return self.multipart(draw, fields)
        if kind < 91:  # a file as the whole body (a streamed upload)
            ctype = draw(self.s["raw type"]).encode()
            return ctype, draw(self.s["file kind"])[1] + draw(self.raw_body)
        if kind < 97:
            return draw(self.s["raw type"]).encode(), draw(self.raw_body)
        # bigger than the limits: 1 MiB is the upload form's; the server's 100 MiB is only
        # claimed (a Content-Length in MALFORMED)
        ctype, data = self.multipart(draw, [("fff", "x")])
        return ctype, data + b"x" * draw(self.s["oversize"])

    def multipart(self, draw, fields, clean: bool = False) -> tuple[bytes, bytes]:
        boundary = b"fuzzboundary" if clean else draw(self.s["boundary"]).encode()
        parts = [b'Content-Disposition: form-data; name="%s"\r\n\r\n%s' % (
            n.encode("utf-8", "surrogateescape"), v.encode("utf-8", "surrogateescape"))
            for n, v in fields]
        for _ in range(draw(self.file_counts)):
            if clean or draw(self.booleans):  # a file that is what it claims, in a file field
                extension, magic = draw(self.s["file kind"])
                name, filename = draw(self.s["form file field"]), draw(self.s["stem"]) + extension
                disposition = 'form-data; name="{n}"; filename="{f}"'
            else:
                name = draw(self.s["file field"])
                filename, magic = draw(self.s["filename"]), draw(self.s["magic"])
                if draw(self.booleans):
                    filename = draw(self.short_text) + filename[-4:]
                disposition = draw(self.s["disposition"])
            header = disposition.format(n=name, f=filename, q=quote(filename))
            ctype = b"application/octet-stream" if clean else draw(self.s["part type"])
            parts.append(b"Content-Disposition: " + header.encode("utf-8", "surrogateescape")
                         + (b"\r\nContent-Type: " + ctype if ctype else b"")
                         + b"\r\n\r\n" + magic + draw(self.content))
        data = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts)
        end = b"--" + boundary + b"--\r\n"
        ctype = b"multipart/form-data; boundary=" + boundary
        how = "ok" if clean else draw(self.s["multipart"])
        if how == "no end":
            end = b""
        elif how == "other boundary":
            ctype = b"multipart/form-data; boundary=other"
        elif how == "no boundary":
            ctype = b"multipart/form-data"
        elif how == "lf":
            data = data.replace(b"\r\n", b"\n")
        elif how == "quoted":
            ctype = b'multipart/form-data; boundary="' + boundary + b'"'
        elif how == "no headers":
            data = b"--" + boundary + b"\r\n\r\n\r\nnothing\r\n"
        data += end
        if how == "truncated":
            data = data[:draw(self.big) % (len(data) + 1)]
        return ctype + (b"" if clean else draw(self.s["charset"]).encode()), data

    def composed(self, draw) -> Sent:
        """A request. Four in ten are clean: well-formed, to a route or page as it is, with the
        methods its handler has, the right Host, the app's own cookies (replayed or forged),
        the XSRF token and a valid body; only the argument values are hostile (markup, open
        redirects, SQL, traversal, ...). The others are hostile everywhere at once."""
        clean = draw(self.percent) < 40
        kind = draw(self.percent) // 5
        target, methods = self.target(draw, clean)
        s = self.s
        method = (self.pick(draw, methods) if clean else draw(s["weird method"]) if kind == 0
                  else draw(s["standard method"]) if kind < 6
                  else self.pick(draw, methods)).encode()
        q = self.query(draw, clean)
        for name, strategy in self.pinned.items():
            if f"{name}=".encode() not in q:
                q += b"&" * bool(q) + urlencode({name: draw(strategy)}).encode()
        if q:
            target += (b"&" if b"?" in target else b"?") + q
        xsrf = "both" if clean else draw(self.s["xsrf"])
        lines = []
        h = self.ctx.host.encode() if clean else self.host_header(draw)
        if h is not None:
            lines.append(b"Host: " + h)
        cookies = self.cookie_header(draw, xsrf in ("both", "cookie", "header", "other"), clean)
        if cookies is not None:
            lines.append(b"Cookie: " + cookies)
        ctype, data = self.body(draw, method, xsrf in ("both", "field"), clean)
        if xsrf == "header":
            lines.append(b"X-XSRFToken: " + self.ctx.xsrf.encode())
        elif xsrf == "other":
            lines.append(b"X-XSRFToken: " + make_xsrf(b"another token 16").encode())
        for name in [] if clean else draw(self.extra_headers):
            value = draw(self.extra_values[name]).replace("{host}", self.ctx.host)
            lines.append(f"{name}: {value}".encode())
        if not clean and draw(self.percent) < 10:
            value = draw(self.values).encode("utf-8", "surrogateescape")
            lines.append(draw(self.header_names).encode() + b": " + re.sub(rb"[\r\n]", b"", value))
        if ctype is not None:
            lines.append(b"Content-Type: " + ctype)
        if data or method in (b"POST", b"PUT", b"PATCH"):
            lines.append(b"Content-Length: %d" % len(data))
        lines.append(b"Connection: close")
        version = b"HTTP/1.0" if kind == 1 and not clean else b"HTTP/1.1"
        raw = b"%s %s %s\r\n%s\r\n\r\n%s" % (method, target, version, b"\r\n".join(lines), data)
        short = bool(self.ctx.target.long_poll) and re.search(
            self.ctx.target.long_poll.encode(), target.split(b"?")[0]) is not None
        return Sent(raw, short=short)

    def malformed(self, draw) -> Sent:
        """HTTP that no ordinary client sends (MALFORMED)."""
        template, short = MALFORMED[draw(self.s["malformed"])]
        page = self.ctx.paths[draw(self.s["page"])]
        p = page.encode()
        if self.pinned:
            p += (b"&" if b"?" in p else b"?") + urlencode(
                {name: draw(strategy) for name, strategy in self.pinned.items()}).encode()
        junk_bytes = draw(self.junk)
        line = re.sub(rb"[\r\n]", b"", junk_bytes)
        raw = template.replace(b"{p}", p).replace(b"{h}", self.ctx.host.encode()).replace(
            b"{cl}", draw(self.s["content-length"])).replace(b"{junk}", junk_bytes).replace(
            b"{line}", line).replace(b"{n}", b"%d" % (len(junk_bytes) + 7))
        long_poll = bool(self.ctx.target.long_poll) and re.search(self.ctx.target.long_poll, page)
        return Sent(raw, short=short or bool(long_poll))



# (template, short): {p} a known path, {h} the Host, {junk} random bytes, {line} the same without
# CR and LF, {cl} a broken Content-Length, {n} the length of the multipart body below. Short: the
# server may wait for bytes that never come (a body shorter than announced), so no answer is fine.
MALFORMED = [
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nX: a\r\n folded\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHost\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHo st: x\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\nHost: {h}\nConnection: close\n\n", False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nX: \x00\x01\r\nConnection: close\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
     b"Connection: close\r\n\r\nabcdef", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"
     b"Connection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"3\r\na=1\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"zz\r\nabc\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"fffffffffffffff\r\nabc", True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
     b"3\r\nabc\r\n", True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close"
     b"\r\n\r\n0\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: {cl}\r\nConnection: close\r\n\r\nabc",
     True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 999999999999\r\nConnection: close"
     b"\r\n\r\nabc", False),
    (b"PUT {p}?filename=big.pdf HTTP/1.1\r\nHost: {h}\r\nContent-Length: 104857599\r\n"
     b"Connection: close\r\n\r\n%PDF-", True),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 100\r\nConnection: close\r\n\r\nshort",
     True),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\n" + b"X-Many: 1\r\n" * 500 + b"Connection: close\r\n\r\n",
     False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nX-Big: " + b"b" * 70000 + b"\r\nConnection: close\r\n\r\n",
     False),
    (b"{junk}\r\n\r\n", True),
    (b"GET {p} {line}\r\nConnection: close\r\n\r\n", False),
    (b"GET  {p}  HTTP/1.1\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1 extra\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/9.9\r\nConnection: close\r\n\r\n", False),
    (b"GET {p}\r\n\r\n", False),
    (b"GET\t{p}\tHTTP/1.1\r\nConnection: close\r\n\r\n", False),
    (b"GET http://evil.example{p} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
     False),
    (b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n", False),
    (b"OPTIONS * HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\n\r\nGET {line} HTTP/1.1\r\nConnection: close\r\n\r\n",
     False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nHost: evil.example\r\nConnection: close\r\n\r\n", False),
    (b"GET {p} HTTP/1.1\r\nHost: {h}\r\nCookie: {line}\r\nConnection: close\r\n\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
     b"Content-Length: {n}\r\nConnection: close\r\n\r\n--b\r\n{junk}\r\n", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nExpect: 100-continue\r\nContent-Length: 3\r\n"
     b"Connection: close\r\n\r\na=1", False),
    (b"POST {p} HTTP/1.1\r\nHost: {h}\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n"
     b"Connection: close\r\n\r\nabc", False),
]


CHOICES = {  # Requests.s: a strategy for each, drawn by name
    "encoding": ["quote"] * 7 + ["raw", "latin-1", "double"],
    "query encoding": ["utf-8"] * 7 + ["latin-1", "raw", "broken"],
    "broken": [b"&%", b"&a=%zz", b"&a=%e4%b8", b"&&&", b"&==", b"&a=%ff", b"&%00=%00",
               b"&a", b"&a=1&a=2"],
    "lead": ["", "/", "./", "%2f", "//"], "dotdot": DOTDOT, "depth": range(1, 8),
    "tail": TRAVERSAL_TARGETS, "hosts": HOSTS,
    "forgery": ["replay", "truncated", "flipped", "wrong key", "wrong key", "other name",
                "expired", "future", "version 1", "huge length", "unknown key version",
                "quoted", "garbage"],
    "flip": "0aZ|:=9f ", "forged value": [b"admin", b"topaz", b"root", b"\xff\xfe",
                                         b"<fuzz-xss>", b"' OR '1'='1"],
    "wrong key": WRONG_KEYS,
    "age": [2, 8, 32, 400, 20000],
    "garbage signed": ["2|", "2|1:", "2|1:0|10:", "3|x", "|||", "=" * 3,
                       "2|1:0|10:0|4:role|0:|" + "f" * 64],
    "garbage cookie": [b'"', b"=", b";;", b"\x00", b"\xff\xfe", b"a=b=c",
                       b'a="unterminated', b"$Version=1; a=1", b"a" * 5000, b"__Host-x=1",
                       b"x=\\\""],
    "separator": [b"; ", b"; ", b";", b" ; ", b";;", b","],
    "xsrf": ["none", "both", "both", "cookie", "field", "header", "other"],
    "charset": CHARSETS, "body encoding": ["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"],
    "form tail": [b"", b"", b"&%", b"&a=%zz", b"&=", b"\xff", b"&a=%e4"],
    "form type": ["application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED",
                  "text/plain"],
    "json": [None, None, b"{", b'{"a":', b"[" * 5000, b'{"a": NaN}', b"1e999999",
             b'"\\ud800"', b"\xff\xfe{}", b"null"],
    "raw type": ["application/octet-stream", "text/html", "", "x/y", "multipart/form-data",
                 "image/png"],
    "oversize": [MB + 1, 2 * MB],
    "boundary": ["fuzzboundary"] * 3 + ["----WebKitFormBoundary7MA4YWxkTrZu0gW", "x" * 70,
                                        "a'()+_,-./:=?", "b" * 200, "q q"],
    "filename": HOSTILE_FILENAMES, "file kind": FILE_KINDS,
    "stem": ["a", "photo", "scan 1", "报告", "notes", "a.b", "x" * 250],
    "disposition": ['form-data; name="{n}"; filename="{f}"',
                    "form-data; name={n}; filename={f}",
                    "form-data; name=\"{n}\"; filename*=UTF-8''{q}",
                    'attachment; filename="{f}"', 'form-data; filename="{f}"',
                    'form-data; name="{n}"; filename="{f}"; x="'],
    "part type": [b"image/png", b"text/plain", b"text/html", b"",
                  b"application/octet-stream", b"\xff"],
    "magic": MAGIC,
    "multipart": ["ok"] * 14 + ["no end", "other boundary", "no boundary", "lf", "quoted",
                                "no headers", "truncated"],
    "weird method": WEIRD_METHODS, "standard method": STANDARD_METHODS,
    "malformed": range(len(MALFORMED)),
    "content-length": [b"-1", b"abc", b"+3", b"0x10", b" 3", b"3 3", b"1,1", b""],
}


def make_xsrf(token: bytes) -> str:
    """An _xsrf value in Tornado's masked format: 2|mask|token XOR mask|timestamp. The same
    string as the cookie and as the field (or X-XSRFToken) passes check_xsrf_cookie."""
    mask = b"\x5a\xa5\x3c\xc3"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{mask.hex()}|{masked.hex()}|{int(time.time())}"
