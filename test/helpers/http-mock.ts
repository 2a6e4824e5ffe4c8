import nock from "nock";
import { afterEach, beforeEach, expect } from "vitest";

/**
 * Strict HTTP mocks (the only file that imports nock): no real network, and a test fails on any
 * request that matched no interceptor or any interceptor left unused.
 */
export function strictHttp(): { unmatched: string[] } {
  const state = { unmatched: [] as string[] };
  const onNoMatch = (req: {
    method?: string;
    path?: string;
    host?: string;
    hostname?: string;
    options?: { path?: string; host?: string; hostname?: string };
  }) => {
    const host = req.hostname ?? req.host ?? req.options?.hostname ?? req.options?.host ?? "";
    if (/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return; // loopback servers of the test itself are allowed
    state.unmatched.push(`${req.method ?? "?"} ${host}${req.path ?? req.options?.path ?? "?"}`);
  };
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
    state.unmatched.length = 0;
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(state.unmatched, "requests that matched no mock").toEqual([]);
    expect(pending, "mocks that were never called").toEqual([]);
  });
  return state;
}

export { nock };
