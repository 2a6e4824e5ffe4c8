import { describe, expect, it } from "vitest";
import type { PrometheusEndpoint } from "../../../src/adapters/prometheus/endpoint.js";
import { endpointChooser } from "../../../src/app/endpoints.js";
import { appSettings } from "../../../src/app/settings.js";
import { plan } from "../../../src/core/engine/plan.js";
import { renderPrBody } from "../../../src/core/pr/body.js";
import { linkBases, publicLinksFromEnv } from "../../../src/core/signals/links.js";
import { NOW, planInput } from "../../helpers/engine.js";

const CONFIG = `version: 1
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 100m, max: "4"}
`;
const FILE =
  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources: {requests: {cpu: 500m}}\n";

describe("evidence links a reviewer can open", () => {
  it("PROMETHEUS_PUBLIC_URL and GRAFANA_URL are parsed (credentials dropped); a bad one is named", () => {
    expect(
      publicLinksFromEnv({ PROMETHEUS_PUBLIC_URL: "https://bob:pw@prom.example.com/", GRAFANA_URL: "" }),
    ).toEqual({
      ok: true,
      value: { prometheus: "https://prom.example.com", grafana: undefined },
    });
    const bad = publicLinksFromEnv({ GRAFANA_URL: "grafana.internal" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toBe(
      'GRAFANA_URL: "grafana.internal" is not an http(s) URL: give the Grafana address a reviewer\'s browser opens',
    );
  });

  it("the App's settings carry them, and only the default endpoint links to the public Prometheus", () => {
    const base = {
      APP_ID: "1",
      PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
      WEBHOOK_SECRET: "s".repeat(20),
    };
    const s = appSettings({
      ...base,
      PROMETHEUS_PUBLIC_URL: "https://prom.example.com",
      GRAFANA_URL: "https://grafana.example.com",
    });
    expect(s.ok && s.value.publicLinks).toEqual({
      prometheus: "https://prom.example.com",
      grafana: "https://grafana.example.com",
    });
    expect(appSettings({ ...base, PROMETHEUS_PUBLIC_URL: "ftp://x" }).ok).toBe(false);
    const e = { url: "http://prometheus.monitoring.svc:9090", headers: {} } as unknown as PrometheusEndpoint;
    const choose = endpointChooser(
      new Map([
        ["default", e],
        ["eu", e],
      ]),
      { prometheus: "https://prom.example.com" },
    );
    expect(choose(undefined)).toMatchObject({ url: "https://prom.example.com" });
    expect(choose("eu")).toMatchObject({ url: undefined });
  });

  it("with a public base the PR links there; without one it shows the query, never the address queried", () => {
    const input = planInput({
      config: CONFIG,
      files: { "d.yaml": FILE },
      signals: { usage: () => 0.6, throttling: () => 0 },
    });
    const withLinks = plan({
      ...input,
      links: linkBases(
        { prometheus: "https://prom.example.com", grafana: "https://g.example.com" },
        undefined,
      ),
    })[0];
    const body = renderPrBody(withLinks as never, "30m");
    expect(body).toMatch(
      /\| usage \| mean 0\.6.* \| \[Prometheus\]\(https:\/\/prom\.example\.com\/graph\?g0\.expr=.*\) · \[Grafana\]\(https:\/\/g\.example\.com\/explore\?/,
    );
    const bare = renderPrBody(plan({ ...input, links: linkBases({}, undefined) })[0] as never, "30m");
    expect(bare).toContain(
      '| usage | mean 0.6, p95 0.6, max 0.6 over 2017 samples | `max(rate(container_cpu_usage_seconds_total{container!="", pod=~"d-.*"}[5m]))` |',
    );
    expect(bare).not.toContain("](http");
    expect(NOW).toBeGreaterThan(0);
  });
});
