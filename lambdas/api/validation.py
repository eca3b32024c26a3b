"""Parsing and validation of API Gateway (REST, payload v1) requests for the items API.

Everything here is pure: it reads the event and the contract and either returns clean
values or raises HttpError with a 4xx status and a message a person can act on. Nothing
here touches AWS, so a request rejected here cannot have written anything.
"""

import base64
import binascii
import json
import re
import unicodedata


class HttpError(Exception):
    """A client-facing error: the status, the message shown to the caller, extra headers."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _clip(text, limit=64):
    """Client text echoed back in a message is clipped so a message stays a message."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "..."


def header(event, name):
    """Header lookup: API Gateway keeps the caller's casing, HTTP names are case-insensitive."""
    headers = event.get("headers") or {}
    if not isinstance(headers, dict):
        return None
    wanted = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted:
            return value if isinstance(value, str) else None
    return None


def _raw_body(event, max_bytes):
    """The body as bytes, with the size limit applied before any expensive decoding."""
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise HttpError(400, "Request body must be text")
    if event.get("isBase64Encoded") is True:
        # 4 base64 characters carry 3 bytes: anything longer than this cannot decode
        # to an acceptable body, so it is refused without spending memory on it.
        if len(body) > (max_bytes + 2) // 3 * 4 + 4:
            raise HttpError(400, f"Request body is larger than {max_bytes} bytes")
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise HttpError(400, "Request body is marked base64 but is not valid base64") from None
    else:
        if len(body) > max_bytes:  # a cheap upper bound first: one character is at least one byte
            raise HttpError(400, f"Request body is larger than {max_bytes} bytes")
        try:
            raw = body.encode("utf-8")
        except UnicodeEncodeError:
            raise HttpError(400, "Request body must be UTF-8 text") from None
    if len(raw) > max_bytes:
        raise HttpError(400, f"Request body is larger than {max_bytes} bytes")
    return raw


def require_no_body(event, max_bytes):
    """GET and DELETE take no body; sending one is a client mistake worth reporting."""
    if _raw_body(event, max_bytes).strip():
        raise HttpError(400, "This request takes no body")


def _object_without_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{_clip(key)}'")
        result[key] = value
    return result


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def read_json_object(event, max_bytes):
    """The body of a POST or PUT as a dict: JSON, UTF-8, an object, within the limit."""
    raw = _raw_body(event, max_bytes)
    if not raw.strip():
        raise HttpError(400, "Request body is required: a JSON object")
    content_type = (header(event, "content-type") or "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        # Requiring JSON also shuts out cross-site HTML form posts (which cannot send it).
        raise HttpError(415, "Content-Type must be application/json")
    try:
        text = raw.decode("utf-8")
        value = json.loads(
            text, object_pairs_hook=_object_without_duplicates, parse_constant=_reject_constant
        )
    except UnicodeDecodeError:
        raise HttpError(400, "Request body must be UTF-8 text") from None
    except RecursionError:
        raise HttpError(400, "Request body is nested too deeply") from None
    except ValueError as err:  # JSONDecodeError is a ValueError, as are the hooks' errors
        raise HttpError(400, f"Request body is not valid JSON: {_clip(err, 120)}") from None
    if not isinstance(value, dict):
        raise HttpError(400, "Request body must be a JSON object")
    return value


def query_params(event, allowed):
    """Query parameters as a dict; unknown or repeated names are refused, not ignored."""
    single = event.get("queryStringParameters") or {}
    multi = event.get("multiValueQueryStringParameters") or {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise HttpError(400, "Query string is malformed")
    unknown = sorted(_clip(name) for name in single if name not in allowed)
    if unknown:
        accepted = ", ".join(sorted(allowed)) or "none"
        raise HttpError(400, f"Unknown query parameter(s): {', '.join(unknown)}. Accepted: {accepted}")
    for name, values in multi.items():
        if isinstance(values, list) and len(values) > 1:
            raise HttpError(400, f"Query parameter '{_clip(name)}' must be given once")
    return {name: value for name, value in single.items() if isinstance(value, str)}


class ItemRules:
    """The item schema of lambdas/contract.json, applied to request bodies and ids."""

    def __init__(self, contract):
        item = contract["item"]
        self.id_pattern = re.compile(item["idPattern"])
        self.fields = item["fields"]
        self.max_version = item["maxVersion"]
        self.list_limit = contract["api"]["listLimit"]
        self.max_token_length = contract["api"]["maxNextTokenLength"]

    def item_id(self, value, label="Item id"):
        if not isinstance(value, str) or not self.id_pattern.fullmatch(value):
            raise HttpError(
                400, f"{label} must be 1 to 64 characters, each a letter, a digit, '_' or '-'"
            )
        return value

    def _text(self, body, name):
        spec = self.fields[name]
        if name not in body:
            if spec["required"]:
                raise HttpError(400, f"Field '{name}' is required")
            return spec.get("default", "")
        value = body[name]
        if not isinstance(value, str):
            raise HttpError(400, f"Field '{name}' must be a string")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates from "\ud800" escapes
            raise HttpError(400, f"Field '{name}' must be valid Unicode text") from None
        if name == "name":
            # A name is one line shown in lists: surrounding blanks carry nothing.
            value = value.strip()
            allowed_controls = ""
        else:
            allowed_controls = "\n\r\t"
        if any(unicodedata.category(ch) == "Cc" and ch not in allowed_controls for ch in value):
            raise HttpError(400, f"Field '{name}' must not contain control characters")
        low, high = spec.get("minLength", 0), spec["maxLength"]
        if not low <= len(value) <= high:
            raise HttpError(400, f"Field '{name}' must be {low} to {high} characters long")
        return value

    def _version(self, body):
        if "version" not in body:
            raise HttpError(400, "Field 'version' is required: the version you last read")
        value = body["version"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.max_version:
            raise HttpError(400, "Field 'version' must be a whole number of at least 1")
        return value

    def _reject_unknown(self, body, allowed):
        unknown = sorted(_clip(key) for key in body if key not in allowed)
        if unknown:
            raise HttpError(
                400, f"Unknown field(s): {', '.join(unknown)}. Accepted: {', '.join(sorted(allowed))}"
            )

    def new_item(self, body):
        """POST body: name, optional description, optional client-chosen id."""
        self._reject_unknown(body, {"id", *self.fields})
        fields = {name: self._text(body, name) for name in self.fields}
        item_id = self.item_id(body["id"], "Field 'id'") if "id" in body else None
        return item_id, fields

    def replacement(self, body):
        """PUT body: the full set of editable fields plus the version being replaced."""
        self._reject_unknown(body, {"version", *self.fields})
        fields = {name: self._text(body, name) for name in self.fields}
        return fields, self._version(body)

    def limit(self, value):
        if value is None:
            return self.list_limit["default"]
        high = self.list_limit["max"]
        if not re.fullmatch(r"[0-9]{1,4}", value) or not 1 <= int(value) <= high:
            raise HttpError(400, f"Query parameter 'limit' must be a whole number from 1 to {high}")
        return int(value)

    # The pagination token is the scan's LastEvaluatedKey ({"id": ...}) in base64url.
    # It is not secret (it names one item id), so it is validated rather than signed.
    def encode_token(self, last_key):
        raw = json.dumps({"id": last_key["id"]}, separators=(",", ":")).encode("utf-8")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def decode_token(self, token):
        if token is None:
            return None
        invalid = HttpError(400, "Query parameter 'nextToken' is invalid: pass back the value of a previous response")
        if len(token) > self.max_token_length or not re.fullmatch(r"[A-Za-z0-9_-]+", token):
            raise invalid
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (binascii.Error, ValueError):
            raise invalid from None
        if not isinstance(decoded, dict) or set(decoded) != {"id"}:
            raise invalid
        if not isinstance(decoded["id"], str) or not self.id_pattern.fullmatch(decoded["id"]):
            raise invalid
        return {"id": decoded["id"]}
