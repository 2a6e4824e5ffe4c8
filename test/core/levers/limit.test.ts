import { describe, expect, it } from "vitest";
import { restorePaired, writePaired } from "../../../src/core/levers/limit.js";
import { parseLeverFile } from "../../../src/core/levers/parsed-file.js";
import { value } from "./helpers.js";

const manifest = (request: string, limit: string) => `kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests: {cpu: 100m, memory: ${request}}
            limits:
              memory: ${limit}
`;
const target = {
  file: "f.yaml",
  kind: "Deployment",
  name: "d",
  container: "c",
  field: "resources.requests.memory",
};
const parsed = (text: string) => {
  const p = parseLeverFile(text, "f.yaml");
  if (!p.ok) throw new Error(p.error.message);
  return p.value;
};

describe("a memory request and its limit", () => {
  it("ratio: 256Mi/512Mi set to 384Mi moves the limit to 768Mi, in the author's units", () => {
    const w = writePaired(
      parsed(manifest("256Mi", "512Mi")),
      { target, limit: "ratio" },
      value("memory", "384Mi"),
    );
    expect(w).toMatchObject({
      ok: true,
      value: {
        text: manifest("384Mi", "768Mi"),
        limit: { field: "resources.limits.memory", from: "512Mi", to: "768Mi" },
      },
    });
    // and back, exactly
    const back = restorePaired(parsed(manifest("384Mi", "768Mi")), target, "256Mi", "memory", {
      from: "512Mi",
      to: "768Mi",
    });
    expect(back).toMatchObject({ ok: true, value: { text: manifest("256Mi", "512Mi") } });
  });

  it("ratio 1.5: 129Mi takes the limit to 193.5Mi exactly, written in whole units (198144Ki)", () => {
    const w = writePaired(
      parsed(manifest("100Mi", "150Mi")),
      { target, limit: "ratio" },
      value("memory", "129Mi"),
    );
    expect(w.ok && w.value.limit).toEqual({
      field: "resources.limits.memory",
      from: "150Mi",
      to: "198144Ki",
    });
  });

  it("keep: refuses a request above the limit, naming its line, and writes nothing", () => {
    const w = writePaired(parsed(manifest("256Mi", "512Mi")), { id: "mem", target }, value("memory", "1Gi"));
    expect(w).toEqual({
      ok: false,
      error: {
        kind: "limit",
        message:
          "f.yaml: Deployment d, container c, field resources.requests.memory: 1Gi is above the limit 512Mi (resources.limits.memory, f.yaml:11); Kubernetes refuses a request above its limit; raise the limit first, or set `limit: ratio` on lever mem to move the limit with the request",
      },
    });
  });

  it("a revert refuses a limit someone changed since", () => {
    const back = restorePaired(parsed(manifest("384Mi", "2Gi")), target, "256Mi", "memory", {
      from: "512Mi",
      to: "768Mi",
    });
    expect(back).toMatchObject({
      ok: false,
      error: { message: "the limit resources.limits.memory is now 2Gi, not 768Mi as Governor set it" },
    });
  });
});
