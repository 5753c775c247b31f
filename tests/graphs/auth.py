"""API-key auth for the test server: `x-api-key` must be TEST_API_KEY (401 otherwise);
FORBIDDEN_KEY is a known key that may do nothing (403)."""

from langgraph_sdk import Auth

TEST_API_KEY = "lgtui-test-key-3f9c1d"
FORBIDDEN_KEY = "lgtui-forbidden-key-77ab"

auth = Auth()


@auth.authenticate
async def authenticate(headers: dict) -> Auth.types.MinimalUserDict:
    raw = headers.get(b"x-api-key") or headers.get("x-api-key")
    key = raw.decode() if isinstance(raw, bytes) else raw
    if key == FORBIDDEN_KEY:
        raise Auth.exceptions.HTTPException(
            status_code=403, detail="This API key may not run graphs."
        )
    if key != TEST_API_KEY:
        raise Auth.exceptions.HTTPException(status_code=401, detail="Invalid or missing API key.")
    return {"identity": "lgtui-tests"}
