#!/usr/bin/env python3
"""Independent-client conformance test for the chimecall sandbox.

It talks to the sandbox with botocore, the library under the AWS CLI, which is generated from
the real `chime-sdk-voice` service model, plus hand-built SigV4 requests sent with http.client.
The expected answers below are the contract: a failure may be a sandbox bug, not a script bug.

Environment (exactly what `chimecall sandbox` exports):
  AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION,
  CHIMECALL_SMA_ID, CHIMECALL_FROM

Usage: `independent_client.py` runs the model checks against a sandbox started with
`--no-quotas --sip-media-applications 5`; `independent_client.py quotas` runs the quota checks
against one started with `--quota active-calls=1` (the other quotas at their defaults: creates 1
per second, FilterLogEvents 25 per second).

Output: one line per check, `ok NAME` or `FAIL NAME: why`, then `N passed, M failed`.
Exit status 0 only if nothing failed. Needs Python 3 and botocore, nothing else.
"""

import datetime
import http.client
import json
import os
import re
import sys
import time
import traceback
import urllib.parse
import uuid

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
ACCESS_KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]
REGION = os.environ["AWS_REGION"]
SMA_ID = os.environ["CHIMECALL_SMA_ID"]
FROM = os.environ["CHIMECALL_FROM"]
TO = "+12065550123"

LOWER_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SMA_COUNT = 5  # the sandbox is started with `--sip-media-applications 5` for this test


class CheckFailed(Exception):
    pass


def expect(condition, why):
    if not condition:
        raise CheckFailed(why)


# ---------------------------------------------------------------------------------------------
# Every error response seen (botocore or raw), for the envelope check at the end.
# Each entry: (label, status, headers as a lowercase-keyed dict, body bytes)
ERROR_RESPONSES = []


def record_error(label, status, headers, body):
    if status >= 300:
        lowered = {k.lower(): v for k, v in headers.items()}
        ERROR_RESPONSES.append((label, status, lowered, body))


def _after_call(http_response, model, **_):
    record_error(
        "botocore " + model.name,
        http_response.status_code,
        dict(http_response.headers),
        http_response.content,
    )


def make_client():
    session = botocore.session.get_session()
    client = session.create_client(
        "chime-sdk-voice",
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )
    client.meta.events.register("after-call.chime-sdk-voice", _after_call)
    return client


CLIENT = make_client()


# ---------------------------------------------------------------------------------------------
# botocore helpers

def status_of(response):
    return response["ResponseMetadata"]["HTTPStatusCode"]


def create_call(**extra):
    params = {"SipMediaApplicationId": SMA_ID, "FromPhoneNumber": FROM, "ToPhoneNumber": TO}
    params.update(extra)
    return CLIENT.create_sip_media_application_call(**params)


def update_call(transaction_id, arguments, sma_id=SMA_ID):
    return CLIENT.update_sip_media_application_call(
        SipMediaApplicationId=sma_id, TransactionId=transaction_id, Arguments=arguments
    )


def created_transaction(response):
    expect(status_of(response) == 201, f"create answered HTTP {status_of(response)}, want 201")
    tid = response.get("SipMediaApplicationCall", {}).get("TransactionId")
    expect(isinstance(tid, str) and LOWER_GUID.match(tid),
           f"TransactionId {tid!r} is not a lowercase GUID")
    return tid


def live_call():
    """Place a call and return its TransactionId (fails the check if it cannot)."""
    return created_transaction(create_call())


def hang_up_quietly(tid):
    try:
        update_call(tid, {"action": "hangup"})
    except ClientError:
        pass


def expect_client_error(fn, code, status, mentions=None):
    """Run fn, which must raise a botocore ClientError with this code and HTTP status."""
    try:
        result = fn()
    except ClientError as e:
        got_code = e.response.get("Error", {}).get("Code")
        got_status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = e.response.get("Error", {}).get("Message", "")
        expect(got_code == code and got_status == status,
               f"got {got_code} HTTP {got_status} ({message!r}), want {code} HTTP {status}")
        if mentions:
            expect(mentions in message, f"error message {message!r} does not mention {mentions!r}")
        return e
    raise CheckFailed(f"succeeded with HTTP {status_of(result)}, want {code} HTTP {status}")


# ---------------------------------------------------------------------------------------------
# raw signed requests

def raw_request(method, path, body=b"", *, service="chime", access_key=ACCESS_KEY,
                secret_key=SECRET_KEY, sign=True, headers=None):
    """Send one request with http.client; return (status, lowercase headers dict, body bytes)."""
    url = ENDPOINT + path
    parsed = urllib.parse.urlsplit(url)
    hdrs = {"Host": parsed.netloc}
    if body:
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    request = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    if sign:
        SigV4Auth(Credentials(access_key, secret_key), service, REGION).add_auth(request)
    prepared = request.prepare()
    conn_cls = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(parsed.hostname, parsed.port, timeout=30)
    target = parsed.path + (("?" + parsed.query) if parsed.query else "")
    send_error = None
    try:
        try:
            conn.request(method, target, body=prepared.body or None, headers=dict(prepared.headers))
        except OSError as e:  # the server may answer (413) and close before reading it all
            send_error = e
        try:
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as e:
            raise CheckFailed(f"no HTTP response ({e!r}; send error {send_error!r})")
        data = response.read()
        lowered = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    record_error(f"raw {method} {path[:60]}", response.status, lowered, data)
    return response.status, lowered, data


def error_type(headers):
    value = headers.get("x-amzn-errortype")
    return value.split(":", 1)[0] if value is not None else None


def body_message(data):
    try:
        doc = json.loads(data)
    except ValueError:
        return ""
    if isinstance(doc, dict):
        return str(doc.get("Message", doc.get("message", "")))
    return ""


def expect_raw(result, status, code=None, mentions=None):
    got_status, headers, data = result
    got_code = error_type(headers)
    shown = data[:200].decode("utf-8", "replace")
    expect(got_status == status, f"HTTP {got_status} ({got_code}; {shown!r}), want {status}")
    if code is not None:
        expect(got_code == code, f"x-amzn-ErrorType {got_code!r}, want {code!r} (body {shown!r})")
    if mentions:
        message = body_message(data)
        expect(mentions in message, f"error message {message!r} does not mention {mentions!r}")


def calls_path(sma_id=SMA_ID):
    return f"/sip-media-applications/{sma_id}/calls"


def create_body():
    return json.dumps({"FromPhoneNumber": FROM, "ToPhoneNumber": TO}).encode()


# ---------------------------------------------------------------------------------------------
# the check registry

CHECKS = []


def check(name):
    def register(fn):
        CHECKS.append((name, fn))
        return fn
    return register


# --- CreateSipMediaApplicationCall ---------------------------------------------------------

@check("create_call")
def _():
    tid = live_call()
    hang_up_quietly(tid)


@check("create_call_with_arguments_and_sip_headers")
def _():
    tid = created_transaction(create_call(
        ArgumentsMap={"greeting": "hello", "caseId": "1234"},
        SipHeaders={
            "x-foo": "bar",
            "User-to-User": "616263;encoding=hex",
            "Diversion": "<sip:+12065550100@example.com>;reason=unconditional",
        },
    ))
    hang_up_quietly(tid)


# --- UpdateSipMediaApplicationCall ---------------------------------------------------------

@check("update_hangup")
def _():
    tid = live_call()
    response = update_call(tid, {"action": "hangup"})
    expect(status_of(response) == 202, f"update answered HTTP {status_of(response)}, want 202")
    got = response.get("SipMediaApplicationCall", {}).get("TransactionId")
    expect(got == tid, f"update answered TransactionId {got!r}, want {tid!r}")


@check("update_after_hangup_is_not_found")
def _():
    tid = live_call()
    first = update_call(tid, {"action": "hangup"})
    expect(status_of(first) == 202, f"hangup update answered HTTP {status_of(first)}, want 202")
    # 202 means "accepted": the hangup is processed asynchronously, so allow it a moment.
    deadline = time.monotonic() + 5
    while True:
        try:
            response = update_call(tid, {"action": "hangup"})
        except ClientError:
            break
        if time.monotonic() > deadline:
            raise CheckFailed(f"update of a hung-up call still answered HTTP {status_of(response)} "
                              "after 5 s, want NotFoundException 404")
        time.sleep(0.2)
    expect_client_error(lambda: update_call(tid, {"action": "hangup"}), "NotFoundException", 404)


@check("update_unknown_transaction_is_not_found")
def _():
    expect_client_error(lambda: update_call(str(uuid.uuid4()), {"action": "hangup"}),
                        "NotFoundException", 404)


@check("update_empty_arguments_does_not_end_call")
def _():
    tid = live_call()
    response = update_call(tid, {})
    expect(status_of(response) == 202, f"update with {{}} answered HTTP {status_of(response)}, want 202")
    time.sleep(0.5)  # let the asynchronous CALL_UPDATE_REQUESTED run
    try:
        response = update_call(tid, {"action": "hangup"})
    except ClientError as e:
        raise CheckFailed(f"hangup after an empty update failed: {e}; the empty update ended the call")
    expect(status_of(response) == 202, f"hangup answered HTTP {status_of(response)}, want 202")


# --- GetSipMediaApplication ----------------------------------------------------------------

@check("get_sip_media_application")
def _():
    response = CLIENT.get_sip_media_application(SipMediaApplicationId=SMA_ID)
    expect(status_of(response) == 200, f"HTTP {status_of(response)}, want 200")
    sma = response.get("SipMediaApplication")
    expect(isinstance(sma, dict), f"no SipMediaApplication in {response!r}")
    expect(sma.get("SipMediaApplicationId") == SMA_ID,
           f"SipMediaApplicationId {sma.get('SipMediaApplicationId')!r}, want {SMA_ID!r}")
    expect(sma.get("AwsRegion") == REGION, f"AwsRegion {sma.get('AwsRegion')!r}, want {REGION!r}")
    expect(isinstance(sma.get("Name"), str) and sma["Name"], f"Name {sma.get('Name')!r} is empty")
    endpoints = sma.get("Endpoints")
    expect(isinstance(endpoints, list) and len(endpoints) == 1,
           f"Endpoints {endpoints!r} is not a list of exactly one")
    arn = endpoints[0].get("LambdaArn")
    expect(isinstance(arn, str) and arn.startswith("arn:aws:lambda:"),
           f"LambdaArn {arn!r} does not start with arn:aws:lambda:")
    for field in ("CreatedTimestamp", "UpdatedTimestamp"):
        expect(isinstance(sma.get(field), datetime.datetime),
               f"{field} {sma.get(field)!r} did not parse as a datetime")
    expect(isinstance(sma.get("SipMediaApplicationArn"), str) and sma["SipMediaApplicationArn"],
           "SipMediaApplicationArn missing")


@check("get_unknown_sip_media_application_is_not_found")
def _():
    expect_client_error(
        lambda: CLIENT.get_sip_media_application(SipMediaApplicationId=str(uuid.uuid4())),
        "NotFoundException", 404)


# --- ListSipMediaApplications --------------------------------------------------------------

@check("list_includes_sandbox_sma")
def _():
    response = CLIENT.list_sip_media_applications()
    expect(status_of(response) == 200, f"HTTP {status_of(response)}, want 200")
    ids = [s.get("SipMediaApplicationId") for s in response.get("SipMediaApplications", [])]
    expect(SMA_ID in ids, f"{SMA_ID} not in {ids}")


@check("list_paging_by_two")
def _():
    pages, ids, token = [], [], None
    while True:
        params = {"MaxResults": 2}
        if token is not None:
            params["NextToken"] = token
        response = CLIENT.list_sip_media_applications(**params)
        expect(status_of(response) == 200, f"page {len(pages) + 1}: HTTP {status_of(response)}")
        page = [s.get("SipMediaApplicationId") for s in response.get("SipMediaApplications", [])]
        token = response.get("NextToken")
        pages.append((len(page), token is not None))
        ids.extend(page)
        if token is None or len(pages) > SMA_COUNT + 1:
            break
    want = [(2, True), (2, True), (1, False)]
    expect(pages == want, f"pages (size, has NextToken) {pages}, want {want}")
    expect(len(ids) == len(set(ids)), f"duplicate ids across pages: {ids}")
    expect(len(set(ids)) == SMA_COUNT, f"{len(set(ids))} distinct ids, want {SMA_COUNT}")
    expect(SMA_ID in ids, f"{SMA_ID} not among the paged ids {ids}")


@check("list_max_results_0_is_bad_request")
def _():
    expect_client_error(lambda: CLIENT.list_sip_media_applications(MaxResults=0),
                        "BadRequestException", 400)


@check("list_max_results_101_is_bad_request")
def _():
    expect_client_error(lambda: CLIENT.list_sip_media_applications(MaxResults=101),
                        "BadRequestException", 400)


@check("list_garbage_next_token_is_bad_request")
def _():
    expect_client_error(
        lambda: CLIENT.list_sip_media_applications(NextToken="not-a-token!!~~garbage"),
        "BadRequestException", 400)


# --- validation ----------------------------------------------------------------------------

def expect_create_rejected(mentions, **params):
    expect_client_error(lambda: create_call(**params), "BadRequestException", 400, mentions)


@check("validate_to_too_long")
def _():
    expect_create_rejected("ToPhoneNumber", ToPhoneNumber="12345678901234567")


@check("validate_to_leading_zero")
def _():
    expect_create_rejected("ToPhoneNumber", ToPhoneNumber="+0123")


@check("validate_to_with_spaces")
def _():
    expect_create_rejected("ToPhoneNumber", ToPhoneNumber="+1 206 555 0100")


@check("validate_from_not_e164")
def _():
    expect_create_rejected("FromPhoneNumber", FromPhoneNumber="abc")


@check("validate_from_not_in_inventory")
def _():
    expect_create_rejected("FromPhoneNumber", FromPhoneNumber="+12065550199")


@check("validate_arguments_map_21_entries")
def _():
    expect_create_rejected("ArgumentsMap", ArgumentsMap={f"k{i}": "v" for i in range(21)})


@check("validate_sip_headers_21_entries")
def _():
    expect_create_rejected("SipHeaders", SipHeaders={f"x-h{i}": "v" for i in range(21)})


@check("validate_sip_header_without_x_prefix")
def _():
    expect_create_rejected("SipHeaders", SipHeaders={"Foo": "bar"})


@check("validate_sip_header_x_amzn_reserved")
def _():
    expect_create_rejected("SipHeaders", SipHeaders={"X-AMZN-Foo": "bar"})


@check("validate_sip_header_value_2049_chars")
def _():
    expect_create_rejected("SipHeaders", SipHeaders={"x-long": "a" * 2049})


@check("sip_header_value_2048_chars_accepted")
def _():
    tid = created_transaction(create_call(SipHeaders={"x-long": "a" * 2048}))
    hang_up_quietly(tid)


@check("validate_update_21_arguments")
def _():
    tid = live_call()
    try:
        expect_client_error(lambda: update_call(tid, {f"k{i}": "v" for i in range(21)}),
                            "BadRequestException", 400, "Arguments")
    finally:
        hang_up_quietly(tid)


@check("create_unknown_sma_is_bad_request")
def _():
    # CreateSipMediaApplicationCall models no NotFoundException: an unknown SMA is a bad request.
    expect_client_error(lambda: create_call(SipMediaApplicationId=str(uuid.uuid4())),
                        "BadRequestException", 400)


# --- raw signed requests -------------------------------------------------------------------

@check("raw_signed_create_accepted")
def _():
    # Proves the raw helper signs correctly, so the auth failures below mean what they say.
    status, headers, data = raw_request("POST", calls_path(), create_body())
    expect(status == 201, f"HTTP {status} ({data[:200]!r}), want 201")
    tid = json.loads(data).get("SipMediaApplicationCall", {}).get("TransactionId")
    expect(isinstance(tid, str) and LOWER_GUID.match(tid), f"TransactionId {tid!r}")
    hang_up_quietly(tid)


@check("raw_malformed_json_is_bad_request")
def _():
    result = raw_request("POST", calls_path(), b'{"FromPhoneNumber": "+1206')
    expect_raw(result, 400, "BadRequestException")


@check("raw_update_without_arguments_is_bad_request")
def _():
    tid = live_call()
    try:
        result = raw_request("POST", f"{calls_path()}/{tid}", b"{}")
        expect_raw(result, 400, "BadRequestException", mentions="Arguments")
    finally:
        hang_up_quietly(tid)


@check("raw_unknown_path_is_unknown_operation")
def _():
    expect_raw(raw_request("GET", "/no-such-thing"), 404, "UnknownOperationException")


@check("raw_body_over_1_mib_is_413")
def _():
    body = json.dumps({
        "FromPhoneNumber": FROM,
        "ToPhoneNumber": TO,
        "ArgumentsMap": {"big": "a" * (1024 * 1024)},
    }).encode()
    expect(len(body) > 1024 * 1024, "test body is not over 1 MiB")
    expect_raw(raw_request("POST", calls_path(), body), 413)


# --- authentication ------------------------------------------------------------------------

@check("auth_wrong_secret_is_invalid_signature")
def _():
    result = raw_request("POST", calls_path(), create_body(), secret_key=SECRET_KEY + "wrong")
    expect_raw(result, 403, "InvalidSignatureException")


@check("auth_unknown_access_key_is_unrecognized_client")
def _():
    result = raw_request("POST", calls_path(), create_body(), access_key="AKIAUNKNOWNKEY000000")
    expect_raw(result, 403, "UnrecognizedClientException")


@check("auth_unsigned_is_missing_authentication_token")
def _():
    result = raw_request("POST", calls_path(), create_body(), sign=False)
    expect_raw(result, 403, "MissingAuthenticationTokenException")


@check("auth_signed_for_logs_on_voice_path_is_invalid_signature")
def _():
    result = raw_request("POST", calls_path(), create_body(), service="logs")
    expect_raw(result, 403, "InvalidSignatureException")


# --- Create/Delete SipMediaApplication (the documented `aws chime-sdk-voice` step) -----------

LAMBDA_ARN = f"arn:aws:lambda:{REGION}:111122223333:function:chimecall-callout"


def create_sma(name="chimecall-callout", region=REGION, endpoints=None):
    return CLIENT.create_sip_media_application(
        AwsRegion=region, Name=name,
        Endpoints=[{"LambdaArn": LAMBDA_ARN}] if endpoints is None else endpoints)


def listed_sma_ids():
    ids, token = [], None
    while True:
        params = {"NextToken": token} if token else {}
        response = CLIENT.list_sip_media_applications(**params)
        ids.extend(s["SipMediaApplicationId"] for s in response.get("SipMediaApplications", []))
        token = response.get("NextToken")
        if not token:
            return ids


@check("create_list_get_delete_sip_media_application")
def _():
    response = create_sma()
    expect(status_of(response) == 201, f"create answered HTTP {status_of(response)}, want 201")
    sma = response.get("SipMediaApplication") or {}
    sma_id = sma.get("SipMediaApplicationId")
    expect(isinstance(sma_id, str) and LOWER_GUID.match(sma_id), f"SipMediaApplicationId {sma_id!r}")
    expect(sma.get("Name") == "chimecall-callout", f"Name {sma.get('Name')!r}")
    expect(sma.get("AwsRegion") == REGION, f"AwsRegion {sma.get('AwsRegion')!r}")
    expect(sma.get("Endpoints") == [{"LambdaArn": LAMBDA_ARN}], f"Endpoints {sma.get('Endpoints')!r}")
    expect(isinstance(sma.get("CreatedTimestamp"), datetime.datetime), "CreatedTimestamp")
    expect(str(sma.get("SipMediaApplicationArn", "")).endswith(f":sma/{sma_id}"),
           f"SipMediaApplicationArn {sma.get('SipMediaApplicationArn')!r}")
    expect(sma_id in listed_sma_ids(), f"{sma_id} not listed")
    got = CLIENT.get_sip_media_application(SipMediaApplicationId=sma_id)["SipMediaApplication"]
    expect(got.get("Endpoints") == [{"LambdaArn": LAMBDA_ARN}], f"get answered {got!r}")
    deleted = CLIENT.delete_sip_media_application(SipMediaApplicationId=sma_id)
    expect(status_of(deleted) == 204, f"delete answered HTTP {status_of(deleted)}, want 204")
    expect(sma_id not in listed_sma_ids(), f"{sma_id} still listed after its delete")
    expect_client_error(lambda: CLIENT.get_sip_media_application(SipMediaApplicationId=sma_id),
                        "NotFoundException", 404)
    expect_client_error(lambda: CLIENT.delete_sip_media_application(SipMediaApplicationId=sma_id),
                        "NotFoundException", 404)


@check("created_sip_media_application_places_calls_and_is_not_deleted_under_them")
def _():
    sma_id = create_sma()["SipMediaApplication"]["SipMediaApplicationId"]
    tid = created_transaction(CLIENT.create_sip_media_application_call(
        SipMediaApplicationId=sma_id, FromPhoneNumber=FROM, ToPhoneNumber=TO))
    expect_client_error(lambda: CLIENT.delete_sip_media_application(SipMediaApplicationId=sma_id),
                        "ConflictException", 409)
    update_call(tid, {"action": "hangup"}, sma_id=sma_id)
    deadline = time.monotonic() + 5
    while True:
        try:
            deleted = CLIENT.delete_sip_media_application(SipMediaApplicationId=sma_id)
            break
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConflictException" or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    expect(status_of(deleted) == 204, f"delete answered HTTP {status_of(deleted)}, want 204")


@check("create_sip_media_application_is_checked_with_the_model")
def _():
    expect_client_error(lambda: create_sma(region="eu-west-1"), "BadRequestException", 400,
                        "AwsRegion")
    expect_client_error(lambda: create_sma(name="no/slashes"), "BadRequestException", 400, "Name")
    expect_client_error(lambda: create_sma(endpoints=[]), "BadRequestException", 400, "Endpoints")
    expect_client_error(
        lambda: create_sma(endpoints=[{"LambdaArn": "arn:aws:lambda:us-east-1:1:function:x"}]),
        "BadRequestException", 400, "LambdaArn")


def raw_create_sma_body():
    return json.dumps({"AwsRegion": REGION, "Name": "raw",
                       "Endpoints": [{"LambdaArn": LAMBDA_ARN}]}).encode()


@check("raw_create_and_delete_sip_media_application_status_codes")
def _():
    status, _, data = raw_request("POST", "/sip-media-applications", raw_create_sma_body())
    expect(status == 201, f"POST /sip-media-applications answered {status}, want 201")
    sma_id = json.loads(data)["SipMediaApplication"]["SipMediaApplicationId"]
    result = raw_request("DELETE", f"/sip-media-applications/{sma_id}")
    expect(result[0] == 204 and result[2] == b"", f"DELETE answered {result[0]} {result[2]!r}")
    expect_raw(raw_request("DELETE", f"/sip-media-applications/{sma_id}"), 404, "NotFoundException")


# --- the error envelope (runs last: it looks at every error response seen above) -----------

# --- CloudWatch Logs: the call's invocation events, as the handler logged them -----------------

def make_logs_client():
    return botocore.session.get_session().create_client(
        "logs",
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}),
    )


def logged_event_types(logs, group, tid):
    """InvocationEventType of every logged event of the transaction, in Sequence order."""
    events = []
    for page in logs.get_paginator("filter_log_events").paginate(
            logGroupName=group, filterPattern=f'"{tid}"'):
        for log_event in page["events"]:
            message = log_event["message"]
            start = message.find("{")
            if start < 0:
                continue
            event = json.loads(message[start:])
            if event.get("CallDetails", {}).get("TransactionId") == tid:
                events.append(event)
    events.sort(key=lambda e: e["Sequence"])
    return [e["InvocationEventType"] for e in events]


@check("handler_logs_hold_the_call_events")
def _():
    sma = CLIENT.get_sip_media_application(SipMediaApplicationId=SMA_ID)["SipMediaApplication"]
    function = sma["Endpoints"][0]["LambdaArn"].split(":function:")[1].split(":")[0]
    group = f"/aws/lambda/{function}"
    logs = make_logs_client()
    names = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]]
    expect(group in names, f"{group} not among the log groups {names}")
    tid = live_call()
    update_call(tid, {"action": "hangup"})
    deadline = time.time() + 5
    while True:
        seen = logged_event_types(logs, group, tid)
        if seen and seen[-1] == "HANGUP" or time.time() > deadline:
            break
        time.sleep(0.1)
    expect(seen[:2] == ["NEW_OUTBOUND_CALL", "RINGING"], f"events {seen}")
    expect(seen[-2:] == ["CALL_UPDATE_REQUESTED", "HANGUP"], f"events {seen}")


@check("logs_auth_failure_has_the_json_protocol_shape")
def _():
    logs = botocore.session.get_session().create_client(
        "logs", region_name=REGION, endpoint_url=ENDPOINT, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key="wrong-secret", config=Config(retries={"max_attempts": 1}))
    try:
        logs.describe_log_groups()
    except ClientError as e:
        code = e.response["Error"]["Code"]
        expect(code == "InvalidSignatureException", f"botocore read the error code {code!r}")
    else:
        expect(False, "a wrong secret was accepted")


@check("every_error_response_has_the_error_envelope")
def _():
    check_error_envelopes(at_least=10)


def check_error_envelopes(at_least):
    expect(len(ERROR_RESPONSES) >= at_least, f"only {len(ERROR_RESPONSES)} error responses were seen")
    problems = []
    for label, status, headers, data in ERROR_RESPONSES:
        wrong = []
        if not headers.get("x-amzn-errortype"):
            wrong.append("no x-amzn-ErrorType")
        if not headers.get("x-amzn-requestid"):
            wrong.append("no x-amzn-RequestId")
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            wrong.append(f"body is not a JSON object: {data[:80]!r}")
        else:
            for key in ("Code", "Message"):
                if not isinstance(doc.get(key), str) or not doc.get(key):
                    wrong.append(f"body has no {key!r}: {data[:80]!r}")
        if wrong:
            problems.append(f"{label} HTTP {status}: " + ", ".join(wrong))
    shown = "; ".join(problems[:5]) + (f"; ... {len(problems) - 5} more" if len(problems) > 5 else "")
    expect(not problems, f"{len(problems)} of {len(ERROR_RESPONSES)} error responses: {shown}")


# --- quotas (`independent_client.py quotas`) ----------------------------------------------------

QUOTA_CHECKS = []


def quota_check(name):
    def register(fn):
        QUOTA_CHECKS.append((name, fn))
        return fn
    return register


def wait_out_the_create_rate():
    time.sleep(1.05)


@quota_check("throttled_create_is_throttled_client_exception")
def _():
    tid = live_call()
    try:
        # The second create within the second: the model's 429, and nothing was placed.
        expect_client_error(create_call, "ThrottledClientException", 429)
    finally:
        wait_out_the_create_rate()
        hang_up_quietly(tid)


@quota_check("create_over_the_active_calls_quota_is_resource_limit_exceeded")
def _():
    wait_out_the_create_rate()
    tid = live_call()
    try:
        wait_out_the_create_rate()
        # One active call is the quota here: the model's ResourceLimitExceededException, 400.
        error = expect_client_error(create_call, "ResourceLimitExceededException", 400)
        expect("active calls" in error.response["Error"]["Message"],
               f"the message does not name the quota: {error.response['Error']['Message']!r}")
    finally:
        hang_up_quietly(tid)
    # The hangup ended the call: its slot is free again.
    wait_out_the_create_rate()
    hang_up_quietly(live_call())


@quota_check("throttled_filter_log_events_is_throttling_exception")
def _():
    import concurrent.futures
    logs = make_logs_client()
    group = "/aws/lambda/chimecall-sandbox-handler"

    def one(_):
        try:
            logs.filter_log_events(logGroupName=group, limit=1)
            return None
        except ClientError as e:
            return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])

    # Forty at once, beyond the 25 a second of us-east-1.
    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(one, range(40)))
    errors = [a for a in answers if a is not None]
    expect(errors, "40 FilterLogEvents at once were never throttled")
    expect(all(e == ("ThrottlingException", 400) for e in errors),
           f"errors {sorted(set(errors))}, want ThrottlingException HTTP 400")


@quota_check("quota_errors_have_the_error_envelope")
def _():
    check_error_envelopes(at_least=2)


# ---------------------------------------------------------------------------------------------

def main():
    checks = QUOTA_CHECKS if sys.argv[1:] == ["quotas"] else CHECKS
    passed = failed = 0
    for name, fn in checks:
        try:
            fn()
        except CheckFailed as e:
            failed += 1
            print(f"FAIL {name}: {e}", flush=True)
        except ClientError as e:
            failed += 1
            print(f"FAIL {name}: unexpected {e}", flush=True)
        except Exception as e:  # a crash in one check must not hide the others
            failed += 1
            where = traceback.extract_tb(e.__traceback__)[-1]
            print(f"FAIL {name}: {type(e).__name__}: {e} (at line {where.lineno})", flush=True)
        else:
            passed += 1
            print(f"ok {name}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
