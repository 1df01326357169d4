"""Descope's official Python SDK (`descope` on PyPI) against descope-emulator.

    DESCOPE_BASE_URL=http://127.0.0.1:4510 python flows.py

Env: DESCOPE_BASE_URL (required), DESCOPE_PROJECT_ID (default P2emulatorLocalProject).
Prints one `ok  <step>  <detail>` line per step; on the first mismatch prints `FAIL <step>` with
what was expected, what came back, and the last HTTP exchange, then exits 1.
Run by scripts/check-official-sdks.sh, which starts the emulator and installs the SDK.
"""

import json
import os
import platform
import random
import sys
import time
import urllib.parse
import urllib.request
from importlib.metadata import version

from descope import AuthException, DeliveryMethod, DescopeClient, RateLimitException

BASE_URL = os.environ.get("DESCOPE_BASE_URL", "").rstrip("/")
PROJECT_ID = os.environ.get("DESCOPE_PROJECT_ID") or "P2emulatorLocalProject"
if not BASE_URL:
    sys.exit("flows.py: set DESCOPE_BASE_URL to the emulator, e.g. http://127.0.0.1:4510")

# Descope's error codes, as the other official SDKs name them (the Python SDK names none).
WRONG_OTP_CODE = "E061102"
TOO_MANY_OTP_ATTEMPTS = "E061103"
USER_NOT_FOUND = "E062108"
UNKNOWN_PROJECT = "E014002"  # the emulator's own code for another project ID

# ---- reporting ---------------------------------------------------------------------------


class Mismatch(Exception):
    pass


def check(condition, what, got=None):
    if not condition:
        got = got if isinstance(got, str) else json.dumps(got, default=repr)
        raise Mismatch(f"expected: {what}\n  got: {got}")


def short(text, limit=600):
    text = text if isinstance(text, str) else repr(text)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def report_last_exchange(client):
    last = client.get_last_response()  # kept because the client is made with verbose=True
    if last is None:
        return
    request = last.raw.request
    print(f"  last request:  {request.method} {request.url}")
    print(f"    Authorization: {short(request.headers.get('authorization', ''), 80)}")
    if request.content:
        print(f"    body: {short(request.content.decode('utf-8', 'replace'))}")
    print(f"  last response: HTTP {last.status_code}")
    print(f"    body: {short(last.text)}")


def step(name, client=None):
    """Decorator: runs the step at once, prints its line, stops the run on a mismatch."""

    def run(fn):
        try:
            detail = fn() or ""
        except Exception as e:  # a mismatch, or anything the SDK raised
            print(f"FAIL {name}")
            what = str(e) if isinstance(e, Mismatch) else f"the SDK raised {type(e).__name__}: {e}"
            print(f"  {what}")
            report_last_exchange(client or sdk)
            print(f"official Python SDK flows: FAILED at {name}")
            sys.exit(1)
        print(f"ok  {name:<38} {detail}".rstrip())
        return fn

    return run


def error_code(exc):
    """Descope's error code in what the SDK raised: AuthException carries the response body as
    `error_message`; RateLimitException (any HTTP 429) puts `errorCode` in `status_code`."""
    if isinstance(exc, RateLimitException):
        return exc.status_code
    try:
        return json.loads(exc.error_message).get("errorCode")
    except (TypeError, ValueError, AttributeError):
        return None


def expect_error(call, status, code, what):
    """`call` must raise AuthException with HTTP `status` and Descope error `code`."""
    try:
        result = call()
    except AuthException as e:
        check(
            e.status_code == status and error_code(e) == code,
            f"{what}: AuthException with status_code {status} and errorCode {code}",
            {"status_code": e.status_code, "error_type": e.error_type, "error_message": e.error_message},
        )
        return e
    check(False, f"{what}: AuthException", {"returned": result})


# ---- emulator helpers (emulator-only routes, not the Descope API) ------------------------


def last_message(address):
    query = urllib.parse.urlencode({"loginId": address})
    with urllib.request.urlopen(f"{BASE_URL}/emulator/outbox/last?{query}", timeout=10) as r:
        message = json.load(r)
    check(message, f"the emulator's outbox has a message for {address}", message)
    return message


# ---- the flows -----------------------------------------------------------------------------

sdk = DescopeClient(project_id=PROJECT_ID, base_url=BASE_URL, verbose=True)

run_id = f"{int(time.time() * 1000):x}{random.randrange(16**4):04x}"
email = f"py-otp-{run_id}@example.com"
new_email = f"py-otp-new-{run_id}@example.com"
phone = f"+1555{random.randrange(10**7):07d}"
link_email = f"py-link-{run_id}@example.com"
session = {}


@step("otp.sign_up (email)")
def _():
    masked = sdk.otp.sign_up(DeliveryMethod.EMAIL, email, {"name": "Python Flow"})
    check(isinstance(masked, str) and masked, "a masked email", masked)
    return f"{email} -> {masked}"


@step("outbox has the sign-up code")
def _():
    m = last_message(email)
    check(m["kind"] == "otp" and m["channel"] == "email" and m["purpose"] == "sign_up", "an email OTP for sign_up", m)
    check(len(m["code"]) == 6 and m["code"].isdigit(), "a 6-digit code", m["code"])
    session["code"] = m["code"]
    return f"code {m['code']}"


@step("otp.verify_code (email)")
def _():
    r = sdk.otp.verify_code(DeliveryMethod.EMAIL, email, session["code"])
    check("sessionToken" in r and "refreshSessionToken" in r, "sessionToken and refreshSessionToken", list(r))
    check(r["firstSeen"] is True, "firstSeen true for a new user", r["firstSeen"])
    check(r["user"].get("email") == email and email in r["user"].get("loginIds", []), "the new user", r["user"])
    check(r["userId"] == r["user"]["userId"], "userId (from the session JWT's sub) is the user's", r["userId"])
    session.update(session_jwt=r["sessionToken"]["jwt"], refresh_jwt=r["refreshSessionToken"]["jwt"], user_id=r["userId"])
    return f"user {r['userId']}"


@step("validate_session (local, JWKS)")
def _():
    r = sdk.validate_session(session["session_jwt"])
    check(r["sub"] == session["user_id"] and r["userId"] == session["user_id"], "sub is the user ID", r)
    check(r["projectId"] == PROJECT_ID, "projectId (the last part of iss) is the project ID", r.get("iss"))
    check("otp" in r.get("amr", []), "amr has otp", r.get("amr"))
    url = str(sdk.get_last_response().raw.request.url)
    check(url == f"{BASE_URL}/v2/keys/{PROJECT_ID}", "the SDK fetched the JWKS from /v2/keys/{projectId}", url)
    return f"sub {r['sub']}, amr {r['amr']}"


@step("refresh_session")
def _():
    r = sdk.refresh_session(session["refresh_jwt"])
    check(r["sessionToken"]["sub"] == session["user_id"], "a validated session JWT for the user", r["sessionToken"])
    url = str(sdk.get_last_response().raw.request.url)
    check(url == f"{BASE_URL}/v1/auth/refresh", "the SDK called /v1/auth/refresh", url)
    session.update(session_jwt=r["sessionToken"]["jwt"], refresh_jwt=r["refreshSessionToken"]["jwt"])
    return f"new session JWT, exp {r['sessionToken']['exp']}"


@step("otp.update_user_email + verify")
def _():
    masked = sdk.otp.update_user_email(email, new_email, session["refresh_jwt"])
    check(isinstance(masked, str) and masked, "a masked email", masked)
    m = last_message(new_email)
    check(m["to"] == new_email and m["loginId"] == email and m["purpose"] == "update_email", "an update_email code to the new address", m)
    r = sdk.otp.verify_code(DeliveryMethod.EMAIL, email, m["code"])
    check(r["user"].get("email") == new_email and r["user"].get("verifiedEmail") is True, "the new, verified email", r["user"])
    session.update(session_jwt=r["sessionToken"]["jwt"], refresh_jwt=r["refreshSessionToken"]["jwt"])
    return f"{email}: email now {r['user']['email']}"


@step("otp.update_user_phone (sms) + verify")
def _():
    masked = sdk.otp.update_user_phone(DeliveryMethod.SMS, email, phone, session["refresh_jwt"])
    check(isinstance(masked, str) and masked, "a masked phone", masked)
    m = last_message(phone)
    check(m["channel"] == "sms" and m["to"] == phone and m["purpose"] == "update_phone", "an SMS update_phone code to the new phone", m)
    r = sdk.otp.verify_code(DeliveryMethod.SMS, email, m["code"])
    check(r["user"].get("phone") == phone and r["user"].get("verifiedPhone") is True, "the new, verified phone", r["user"])
    session.update(session_jwt=r["sessionToken"]["jwt"], refresh_jwt=r["refreshSessionToken"]["jwt"])
    return f"{email}: phone now {r['user']['phone']}"


@step("me")
def _():
    user = sdk.me(session["refresh_jwt"])
    check(user.get("userId") == session["user_id"], "the same user", user)
    check(user.get("email") == new_email and user.get("phone") == phone, "the updated email and phone", user)
    check(email in user.get("loginIds", []), "the original login ID", user.get("loginIds"))
    check(user.get("name") == "Python Flow", "the name given at sign-up", user.get("name"))
    return f"{user['userId']} {user['email']} {user['phone']}"


@step("logout")
def _():
    response = sdk.logout(session["refresh_jwt"])
    check(response.status_code == 200, "HTTP 200", response.status_code)
    e = None
    try:
        sdk.me(session["refresh_jwt"])
    except AuthException as raised:
        e = raised
    check(e is not None and e.status_code == 401, "me with the logged-out refresh JWT raises AuthException 401", repr(e))
    return f"then me: AuthException {e.status_code} {error_code(e)}"


# ---- magic link with a redirect address --------------------------------------------------


def verify_link(redirect):
    m = last_message(link_email)
    check(m["kind"] == "magic_link" and isinstance(m["link"], str), "a magic link in the outbox", m)
    check(m["link"].startswith(redirect), f"the link starts with the redirect address the SDK sent ({redirect})", m["link"])
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(m["link"]).query).get("t", [None])[0]
    check(token, "the link carries the token as `t`", m["link"])
    r = sdk.magiclink.verify(token)
    claims = sdk.validate_session(r["sessionToken"]["jwt"])
    check("magiclink" in claims.get("amr", []), "amr has magiclink", claims.get("amr"))
    return r, m["link"]


@step("magiclink.sign_up (email, URI)")
def _():
    redirect = "http://127.0.0.1:3999/magic/after-sign-up"
    masked = sdk.magiclink.sign_up(DeliveryMethod.EMAIL, link_email, redirect)
    sent = json.loads(sdk.get_last_response().raw.request.content)
    check(sent.get("URI") == redirect, "the SDK sent the redirect as `URI`", sent)
    r, link = verify_link(redirect)
    check(r["firstSeen"] is True, "firstSeen true for a new user", r["firstSeen"])
    return f"{masked}: {link[:60]}..."


@step("magiclink.sign_in (email, URI)")
def _():
    redirect = "http://127.0.0.1:3999/magic/after-sign-in?from=python"
    sdk.magiclink.sign_in(DeliveryMethod.EMAIL, link_email, redirect)
    r, link = verify_link(redirect)
    check(r["firstSeen"] is False, "firstSeen false for a known user", r["firstSeen"])
    return f"{link[:70]}..."


# ---- errors ----------------------------------------------------------------------------------


def wrong_code_for(sent):
    return "111111" if sent == "000000" else "000000"


@step("error: wrong OTP code")
def _():
    sdk.otp.sign_in(DeliveryMethod.EMAIL, email)
    wrong = wrong_code_for(last_message(new_email)["code"])
    e = expect_error(lambda: sdk.otp.verify_code(DeliveryMethod.EMAIL, email, wrong), 401, WRONG_OTP_CODE, "verify_code with a wrong code")
    return f"AuthException {e.status_code} {error_code(e)}"


@step("error: unknown login ID sign-in")
def _():
    nobody = f"nobody-{run_id}@example.com"
    e = expect_error(lambda: sdk.otp.sign_in(DeliveryMethod.EMAIL, nobody), 400, USER_NOT_FOUND, "sign_in for nobody")
    return f"AuthException {e.status_code} {error_code(e)}"


other = DescopeClient(project_id="P2someOtherProject", base_url=BASE_URL, verbose=True)


@step("error: another project ID", other)
def _():
    e = expect_error(
        lambda: other.otp.sign_up(DeliveryMethod.EMAIL, f"other-{run_id}@example.com"),
        401,
        UNKNOWN_PROJECT,
        "sign_up with another project ID",
    )
    rejected = None
    try:
        other.validate_session(session["session_jwt"])
    except AuthException as raised:
        rejected = raised
    check(rejected is not None, "another project's client rejects this project's session JWT", "validate_session succeeded")
    return f"AuthException {e.status_code} {error_code(e)}; validate_session: AuthException {rejected.status_code} {error_code(rejected)}"


@step("error: too many wrong codes")
def _():
    sdk.otp.sign_in(DeliveryMethod.EMAIL, email)
    sent = last_message(new_email)["code"]
    wrong = wrong_code_for(sent)
    seen, final = [], None
    for _attempt in range(10):
        try:
            sdk.otp.verify_code(DeliveryMethod.EMAIL, email, wrong)
        except (AuthException, RateLimitException) as e:
            seen.append(f"{type(e).__name__}({error_code(e)})")
            final = e
            if error_code(e) != WRONG_OTP_CODE:
                break
    check(
        isinstance(final, RateLimitException) and error_code(final) == TOO_MANY_OTP_ATTEMPTS,
        f"wrong codes end in RateLimitException carrying {TOO_MANY_OTP_ATTEMPTS}",
        {"seen": seen, "last": repr(final)},
    )
    try:
        sdk.otp.verify_code(DeliveryMethod.EMAIL, email, sent)
        check(False, f"the right code after that is refused with {TOO_MANY_OTP_ATTEMPTS}", "verify_code succeeded")
    except RateLimitException as e:
        check(error_code(e) == TOO_MANY_OTP_ATTEMPTS, f"the right code after that is refused with {TOO_MANY_OTP_ATTEMPTS}", repr(e))
    f = final
    return (
        f"{' '.join(seen)}; the SDK raises RateLimitException(status_code={f.status_code!r}, "
        f"error_type={f.error_type!r}, error_description={f.error_description!r}, "
        f"rate_limit_parameters={f.rate_limit_parameters})"
    )


print(f"official Python SDK flows: all passed (descope {version('descope')}, Python {platform.python_version()})")
