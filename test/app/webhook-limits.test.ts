import { createHmac } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, SECRET, startApp } from "../helpers/app-process.js";

const PATH = "/api/github/webhooks";
const MB = 1024 * 1024;

interface Sent {
  readonly status: number | undefined;
  /** Body bytes the client could hand to the connection before it was answered or closed. */
  readonly written: number;
  /** The App closed the connection (within 10 s of its answer). */
  readonly closed: boolean;
}

/**
 * POSTs `total` bytes (in `chunk`-byte writes, `delayMs` apart) with a real HTTP client and
 * stops writing once the App answers or hangs up. Bounded: it never writes more than `total`.
 */
function post(
  base: string,
  o: {
    total: number;
    chunk: number;
    delayMs?: number;
    length?: boolean;
    headers?: Record<string, string>;
    /** Keep writing after the answer, to the end of the body (a client that does not read). */
    whole?: boolean;
  },
): Promise<Sent> {
  return new Promise((resolve) => {
    let status: number | undefined;
    let written = 0;
    let done = false;
    const req = request(`${base}${PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
        ...(o.length === false ? {} : { "content-length": String(o.total) }),
        ...o.headers,
      },
    });
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      resolve({ status, written, closed });
    };
    req.on("response", (res) => {
      status = res.statusCode;
      res.resume();
      res.on("end", () => setTimeout(() => finish(false), 10_000).unref());
    });
    req.on("error", () => undefined); // writing into a closed connection: 'close' follows
    req.on("close", () => finish(true));
    const piece = Buffer.alloc(o.chunk, 0x20);
    const pump = async () => {
      while (written < o.total && (o.whole || status === undefined) && !done) {
        const n = Math.min(o.chunk, o.total - written);
        const more = req.write(n === o.chunk ? piece : piece.subarray(0, n));
        written += n;
        if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
        else if (!more) await new Promise((r) => req.once("drain", r).once("close", r));
      }
      if (!done) req.end(); // a client that finishes its body after the answer, as most do
    };
    void pump();
  });
}

describe("the App refuses webhook bodies GitHub would never send, before buffering them", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
  });

  it("a 30 MB body with a bogus signature is answered 413 from its Content-Length, and the App's memory does not grow by the body", async () => {
    const before = app.rss();
    const sent = await post(app.base, { total: 30 * MB, chunk: 64 * 1024 });
    const grown = app.rss() - before;
    expect(sent.status).toBe(413);
    expect(sent.closed).toBe(true);
    expect(grown).toBeLessThan(30 * MB);
    process.stdout.write(
      `  30 MB with Content-Length: 413 after ${(sent.written / MB).toFixed(1)} MB written, VmRSS grew ${(grown / MB).toFixed(1)} MB\n`,
    );
  }, 30_000);

  it("a chunked 30 MB body (no Content-Length) is cut off at the 25 MB cap with 413", async () => {
    const before = app.rss();
    const sent = await post(app.base, { total: 30 * MB, chunk: 64 * 1024, length: false });
    const grown = app.rss() - before;
    expect(sent.status).toBe(413);
    expect(sent.closed).toBe(true);
    process.stdout.write(`  chunked 30 MB: 413, VmRSS grew ${(grown / MB).toFixed(1)} MB\n`);
  }, 30_000);

  it("a chunked body just over the cap, sent whole and ended: 413, and the App lives on", async () => {
    const sent = await post(app.base, {
      total: 25 * MB + 64 * 1024,
      chunk: 64 * 1024,
      length: false,
      whole: true,
    });
    expect(sent.status).toBe(413);
    // The end of the refused body is not handed on to Probot, which would answer a second time
    // (ERR_HTTP_HEADERS_SENT) and crash the App.
    await new Promise((r) => setTimeout(r, 1500));
    expect(app.child.exitCode).toBeNull();
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
  }, 30_000);

  it("a small webhook signed with the secret is still received", async () => {
    const payload = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1, hook: { id: 1 } });
    const signature = `sha256=${createHmac("sha256", SECRET).update(payload).digest("hex")}`;
    const sent = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${app.base}${PATH}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "ping",
          "x-github-delivery": "d-2",
          "x-hub-signature-256": signature,
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", reject);
      req.end(payload);
    });
    expect(sent).toBe(200);
  }, 30_000);
});

describe("the App cuts off a trickled webhook body at GOVERNOR_WEBHOOK_BODY_TIMEOUT", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ GOVERNOR_WEBHOOK_BODY_TIMEOUT: "2s" });
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
  });

  it("a body sent at 1 byte a second is answered 408 and the connection closed, long before its 25 bytes are in", async () => {
    const sent = await post(app.base, { total: 25, chunk: 1, delayMs: 1000 });
    expect(sent.status).toBe(408);
    expect(sent.closed).toBe(true);
    expect(sent.written).toBeLessThan(25);
    process.stdout.write(`  trickled body: 408 after ${sent.written} bytes at 1 byte/s\n`);
  }, 45_000);
});
