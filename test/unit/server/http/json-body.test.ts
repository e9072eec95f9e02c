import { describe, expect, it } from "vitest";
import { containsNul, NUL_MESSAGE, readJsonRequest } from "../../../../server/http/json-body";

const post = (body: string) => new Request("http://x/api/y", { method: "POST", body });

describe("JSON body reader of the API (A30-SEC-15)", () => {
  it("parses JSON; empty → {} (or the given value)", async () => {
    expect(await readJsonRequest(post('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(await readJsonRequest(post("  "))).toEqual({ ok: true, value: {} });
    expect(await readJsonRequest(post(""), { empty: undefined })).toEqual({ ok: true, value: undefined });
  });

  it("malformed JSON → 400 with the message", async () => {
    const result = await readJsonRequest(post("{nope"), { invalidMessage: "JSON, por favor" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.response.status).toBe(400);
      expect(await result.response.json()).toEqual({ error: "JSON, por favor" });
    }
  });

  it("NUL anywhere (value, nested, key) → 400: PostgreSQL text cannot hold it", async () => {
    for (const body of ['{"notes":"a\\u0000b"}', '{"x":[{"y":"\\u0000"}]}', '{"k\\u0000":1}']) {
      const result = await readJsonRequest(post(body));
      expect(result.ok, body).toBe(false);
      if (!result.ok) expect(await result.response.json()).toEqual({ error: NUL_MESSAGE });
    }
    expect(containsNul({ a: ["ok", { b: "fine" }] })).toBe(false);
  });
});
