import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
  /** Date.now() when the request arrived (the fake timers' clock when they are on). */
  readonly at: number;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Answer this long after the request arrived (a slow write). */
  readonly delayMs?: number;
}

export interface FakeGitHubApi {
  readonly baseUrl: string;
  readonly received: Received[];
  /** Date.now() when each request (by index in `received`) was answered. */
  readonly answered: number[];
  close(): Promise<void>;
}

/**
 * A GitHub REST/GraphQL API on 127.0.0.1 of a test's own: `route` answers each request (undefined
 * is a 404) and every request is recorded, so a test can count them and see when they came.
 */
export async function fakeGitHubApi(
  route: (r: Received, n: number) => Reply | undefined,
  clock: () => number = Date.now,
): Promise<FakeGitHubApi> {
  const received: Received[] = [];
  const answered: number[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        authorization: String(req.headers.authorization ?? ""),
        at: clock(),
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const index = received.push(r) - 1;
      const reply = route(r, received.length) ?? { status: 404, body: { message: "Not Found" } };
      setTimeout(() => {
        answered[index] = clock();
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The token answer of POST /app/installations/{id}/access_tokens. */
export const token = (value: string): Reply => ({
  status: 201,
  body: { token: value, expires_at: "2099-01-01T00:00:00Z", permissions: { contents: "write" } },
});
