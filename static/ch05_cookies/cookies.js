/* Chapter 05 · JavaScript操作Cookie: the notes' function, and a fixed one. */

/* The notes, verbatim but renamed (设置cookie，指定秒数过期: "set a cookie that expires after the
 * given seconds"). Its bugs, each shown by tests/browser/test_ch05_cookies.py:
 *   - it ignores `expires`: the cookie always expires 5 seconds from now;
 *   - no path: the cookie gets the page's directory (/js for /js/page), so /echo never sees it;
 *   - no encoding: a value with ';' is cut there ("a;b" is stored as "a");
 *   - `temp` is never used. */
function notesSetCookie(name, value, expires) {
    var temp = [];
    var current_date = new Date();
    current_date.setSeconds(current_date.getSeconds() + 5);
    document.cookie = name + "= " + value + ";expires=" + current_date.toUTCString();
}

/* The fix: setCookie(name, value, seconds[, {path, domain, secure, sameSite}]).
 * Max-Age counts seconds from now (no date to compute); path defaults to "/" so the whole site
 * gets it; the value is percent-encoded, and the server decodes it with urllib.parse.unquote. */
function setCookie(name, value, seconds, options) {
    options = options || {};
    var cookie = encodeURIComponent(name) + "=" + encodeURIComponent(value) +
        "; max-age=" + Math.floor(seconds) +
        "; path=" + (options.path || "/") +
        "; samesite=" + (options.sameSite || "Lax");
    if (options.domain) cookie += "; domain=" + options.domain;
    if (options.secure) cookie += "; secure";
    document.cookie = cookie;  // one cookie per assignment: the others are left alone
}

/* getCookie(name): the value JavaScript can see, or null. HttpOnly cookies are never here. */
function getCookie(name) {
    var pairs = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < pairs.length; i++) {
        var at = pairs[i].indexOf("=");
        if (decodeURIComponent(pairs[i].slice(0, at)) === name) {
            return decodeURIComponent(pairs[i].slice(at + 1));
        }
    }
    return null;
}
