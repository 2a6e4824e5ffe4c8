import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { afterEach } from "vitest";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

/** An HTTP server on 127.0.0.1 answering with `handler`; records what it was sent. Closed after the test. */
export async function fakeServer(
  handler: (req: Seen, res: ServerResponse, n: number) => void,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return { url: `http://127.0.0.1:${address.port}`, seen };
}

/** A port that accepts connections and never answers: a hung Prometheus. */
export async function hangingServer(): Promise<{ url: string; connections: () => number }> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return { url: `http://127.0.0.1:${address.port}`, connections: () => sockets.length };
}

export const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

export const vector = (value: string, metric: Record<string, string> = {}) => ({
  status: "success",
  data: { resultType: "vector", result: [{ metric, value: [1767240000, value] }] },
});

export interface Streamed {
  readonly url: string;
  /** Bytes handed to the socket per request, until the client hung up or the body ended. */
  readonly written: number[];
  /** Resolves when every response so far has closed (the client hung up, or the body ended). */
  readonly allClosed: () => Promise<void>;
}

/**
 * A server that answers every request with `head`, then `chunk` repeated up to `total` bytes,
 * honouring backpressure, so it writes only as fast as the client reads. Closed after the test.
 */
export async function streamingServer(options: {
  readonly total: number;
  readonly head?: string;
  readonly chunk?: string;
  readonly status?: number;
  readonly headers?: Record<string, string>;
}): Promise<Streamed> {
  const head = Buffer.from(
    options.head ?? '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[',
  );
  const chunk = Buffer.from((options.chunk ?? '[1767240000,"0.5"],').repeat(1024));
  const written: number[] = [];
  const closed: Array<Promise<void>> = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    const slot = written.push(0) - 1;
    closed.push(new Promise((resolve) => res.on("close", resolve)));
    res.writeHead(options.status ?? 200, { "content-type": "application/json", ...options.headers });
    const pump = () => {
      while (!res.destroyed && (written[slot] ?? 0) < options.total) {
        const next = written[slot] === 0 ? head : chunk;
        written[slot] = (written[slot] ?? 0) + next.length;
        if (!res.write(next)) return void res.once("drain", pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    written,
    allClosed: async () => {
      await Promise.all(closed);
    },
  };
}
