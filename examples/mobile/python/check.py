"""The app side of the login from Python, through the bindings UniFFI generates for
`examples/mobile`: the same checks as `kotlin/Main.kt`. Run by `examples/mobile/test.sh`:

    python3 check.py <emulator base URL> <backend base URL>

with the package `login_bindings` (the generated modules and the library) on
`sys.path`. Exits 1 if a check fails.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from login_bindings.mini_program_login import EmulatorPageError, LaunchError, MiniProgramType
from login_bindings.mobile_login import PhoneLogin

POOL = "5e4cdd055df3df65dc58b97d"
PATH = f"/routes/explore?userPoolId={POOL}&getPhone=1&fromApp=1&useSelfWxapp=0"
failures = 0


def check(name):
    def run(body):
        global failures
        try:
            body()
            print(f"ok    python: {name}")
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures += 1
            print(f"FAIL  python: {name}: {error!r}")
        return body

    return run


def raises(kind, call):
    try:
        returned = call()
    except kind as error:
        return error
    raise AssertionError(f"expected {kind.__name__}, got {returned!r}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


opener = urllib.request.build_opener(NoRedirect)


def post(url, content_type, body):
    request = urllib.request.Request(
        url, data=body.encode(), headers={"content-type": content_type}, method="POST"
    )
    try:
        with opener.open(request) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


emulator, backend = sys.argv[1], sys.argv[2]
login = PhoneLogin()


@check("PhoneLogin() and launch_request(): the configuration as a record")
def _():
    request = login.launch_request()
    assert request.user_name == "gh_a781a791e29e", request.user_name
    assert request.path == PATH, request.path
    assert request.mini_program_type == MiniProgramType.RELEASE


@check("parse_response(0, ext_msg): a Ticket whose str() hides it")
def _():
    ticket = login.parse_response(0, "code=200&message=ok&ticket=T-secret-1")
    assert ticket.expose_secret() == "T-secret-1"
    assert "T-secret-1" not in str(ticket) and "T-secret-1" not in repr(ticket), str(ticket)


@check("LaunchError.Cancelled, WeChat, Refused (decoded), Malformed")
def _():
    raises(LaunchError.Cancelled, lambda: login.parse_response(-2, None))
    assert raises(LaunchError.WeChat, lambda: login.parse_response(-5, None)).err_code == -5
    refused = raises(
        LaunchError.Refused,
        lambda: login.parse_result("code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83"),
    )
    assert (refused.code, refused.refusal_message) == (400, "用户取消授权")
    raises(LaunchError.Malformed, lambda: login.parse_response(0, None))


@check("parse_callback_url and emulator_page_url")
def _():
    url = "myapp://login?errCode=0&extMsg=" + urllib.parse.quote("code=200&message=ok&ticket=T-3", safe="")
    assert login.parse_callback_url(url).expose_secret() == "T-3"
    page = login.emulator_page_url("127.0.0.1:8787", "myapp://login")
    assert page.startswith("http://127.0.0.1:8787/__emulator/mini-login/page?path=%2Froutes"), page
    raises(EmulatorPageError, lambda: login.emulator_page_url("127.0.0.1:8787", "https://evil.example/"))


@check("WeChat's answer from the emulator, parsed, and the ticket exchanged by the backend")
def _():
    body = json.dumps({"path": login.launch_request().path, "outcome": "approve"})
    status, _, answer = post(f"{emulator}/__emulator/mini-login", "application/json", body)
    assert status == 200, (status, answer)
    answer = json.loads(answer)
    ticket = login.parse_response(answer["err_code"], answer["ext_msg"])
    status, _, user = post(f"{backend}/login", "application/json", json.dumps({"ticket": ticket.expose_secret()}))
    assert status == 200 and "token" in json.loads(user), (status, user)


@check("the emulator's page: approve, come back, parse_callback_url")
def _():
    form = urllib.parse.urlencode(
        {"outcome": "approve", "path": login.launch_request().path, "redirect_uri": "myapp://login"}
    )
    status, headers, _ = post(f"{emulator}/__emulator/mini-login/page", "application/x-www-form-urlencoded", form)
    assert status == 303, status
    ticket = login.parse_callback_url(headers["location"])
    status, _, user = post(f"{backend}/login", "application/json", json.dumps({"ticket": ticket.expose_secret()}))
    assert status == 200, (status, user)


if failures:
    print(f"{failures} Python check(s) failed")
    sys.exit(1)
