"""表单验证: form validation the way the notes' source does it (wupeiqi's article), today's way.

Tornado has no form library. The article builds one in two steps: first a form class whose
attributes are regexes, then field objects that carry a rule (required? which regex?) and their
own error messages, and a base form that checks every field, collects the values and the
errors, and lets the page show the form again. This module is that second step, with three
fixes (see the lesson, section 7), and the page that uses it, /signup (SignupHandler):

  - re.fullmatch, not re.match: re.match only anchors the start, so the article's port rule
    (\\d+) accepts "80abc";
  - a maximum length per field, enforced here (the page's maxlength attribute is only a
    convenience for honest browsers);
  - a field sent twice is refused instead of silently taking one of the values.
"""
from __future__ import annotations

import re

import tornado.web

from chapters.ch06_login.auth import BaseHandler


class Field:
    """One input of a form: its rule and its error messages.

    clean(name, raw) returns (value, error): error is None when the value is acceptable.
    """

    pattern = r".*"  # the rule of a subclass; a Field(pattern=...) can override it
    max_length = 100
    strip = True  # remove surrounding white space (never for passwords)
    keep = True  # show the typed value again when the form is re-rendered (never for passwords)
    input_type = "text"  # the <input type> the page uses
    messages = {
        "required": "{name} is required",
        "invalid": "{name} is invalid",
    }

    def __init__(self, *, required: bool = True, pattern: str | None = None,
                 max_length: int | None = None, label: str | None = None,
                 messages: dict[str, str] | None = None) -> None:
        self.required = required
        self.regex = re.compile(pattern or self.pattern, re.DOTALL)
        if max_length is not None:
            self.max_length = max_length
        self.label = label
        self.messages = {**self.messages, **(messages or {})}

    def clean(self, name: str, raw: str | None) -> tuple[str, str | None]:
        value = raw or ""
        label = self.label or name
        if not value:
            return value, self.messages["required"].format(name=label) if self.required else None
        if len(value) > self.max_length:  # Form.validate refuses this first; a direct call too
            return value, f"{label}: at most {self.max_length} characters"
        if not self.regex.fullmatch(value):  # the whole value, not just its start
            return value, self.messages["invalid"].format(name=label)
        return value, None


class UsernameField(Field):
    pattern = r"[A-Za-z0-9_]{3,32}"
    max_length = 32
    messages = {**Field.messages,
                "invalid": "{name}: 3 to 32 letters, digits or _"}


class PasswordField(Field):
    pattern = r".{8,128}"  # any characters (re.DOTALL): passwords are not ours to restrict
    max_length = 128  # and scrypt of a megabyte-long "password" is work an attacker chooses
    strip = False
    keep = False
    input_type = "password"
    messages = {**Field.messages, "invalid": "{name}: 8 to 128 characters"}


class EmailField(Field):
    pattern = r"[^@\s]+@[^@\s]+\.[^@\s]+"  # a plausibility check; only a sent mail proves one
    max_length = 254
    input_type = "email"
    messages = {**Field.messages, "invalid": "{name}: that does not look like an address"}


class PhoneField(Field):
    # The article's ^1[3|4|5|8][0-9]\d{8}$ has | inside a character class, where it is a
    # literal: "1|012345678" passed. A mainland mobile number: 1, then 3-9, then 9 digits.
    pattern = r"1[3-9][0-9]{9}"
    max_length = 11
    input_type = "tel"
    messages = {**Field.messages, "invalid": "{name}: 11 digits, starting 13-19"}


class Form:
    """The fields are class attributes. validate(handler) reads each one from the request body,
    checks it, and keeps what the user typed (data) so the page can show the form again with
    its errors (errors) next to each input. values holds the accepted values.

    Input no honest browser sends is refused with HTTPError(400): a field longer than its
    max_length (the page sets maxlength), a field sent twice, and (Tornado, when the value is
    decoded) bytes that are not UTF-8.
    """

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self.data: dict[str, str] = dict(initial or {})
        self.errors: dict[str, str] = {}
        self.values: dict[str, str] = {}

    @classmethod
    def fields(cls) -> dict[str, Field]:
        found: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):  # base classes first, so subclasses can add fields
            found.update({k: v for k, v in vars(klass).items() if isinstance(v, Field)})
        return found

    def validate(self, handler: tornado.web.RequestHandler) -> bool:
        for name, field in self.fields().items():
            raws = handler.get_body_arguments(name, strip=field.strip)  # 400 if not UTF-8
            if len(raws) > 1:
                raise tornado.web.HTTPError(400, "%s was sent %d times", name, len(raws))
            raw = raws[0] if raws else None
            if raw is not None and len(raw) > field.max_length:
                raise tornado.web.HTTPError(400, "%s is too long: %d characters, at most %d",
                                            name, len(raw), field.max_length)
            value, error = field.clean(name, raw)
            if field.keep:
                self.data[name] = value
            if error:
                self.errors[name] = error
            else:
                self.values[name] = value
        return not self.errors

    def add_error(self, name: str, message: str) -> None:
        """An error found after the fields' own rules (a taken username, a wrong password)."""
        self.errors[name] = message
        self.values.pop(name, None)


# --- The forms of the chapter's pages ------------------------------------------------------------
class LoginForm(Form):
    username = UsernameField(label="username")
    password = PasswordField(label="password",
                             messages={"invalid": "用户名或密码错误 (wrong username or password)"})


class SignupForm(Form):
    username = UsernameField(label="username")
    password = PasswordField(label="password")
    email = EmailField(label="email")
    # the article's custom messages: 别闹，别整空的.. ("don't leave it empty"), 骚年，格式错误了
    phone = PhoneField(required=False, label="phone",
                       messages={"invalid": "骚年，格式错误了 (phone: 11 digits, starting 13-19)"})


class EmailForm(Form):
    email = EmailField(label="email", messages={"required": "别闹，别整空的.. (email is required)"})


# --- 表单验证: sign up, every error shown at once next to its input (section 7) ----------------
class SignupHandler(BaseHandler):
    def get(self):
        self.render("signup.html", form=SignupForm())

    async def post(self):
        form = SignupForm()
        if form.validate(self):
            values = form.values
            try:
                await self.application.users.register(
                    values["username"], values["password"], email=values["email"],
                    phone=values.get("phone", ""))
            except KeyError:
                form.add_error("username", f"username {values['username']!r} is taken")
            else:
                self.log_in(values["username"])
                self.redirect("/")
                return
        self.set_status(400)
        self.render("signup.html", form=form)
