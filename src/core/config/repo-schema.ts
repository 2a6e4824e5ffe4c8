import { z } from "zod";
import {
  durationSchema,
  guardrailLimits,
  idSchema,
  leverValueSchema,
  promqlSchema,
  requireOneLimit,
  selectorSchema,
} from "./fields.js";

export const MODES = ["observe", "suggest", "auto"] as const;
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const isoInstant = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 time with a zone, such as "2026-12-20T00:00:00Z"',
});

const freezeWindowSchema = z
  .strictObject({
    days: z
      .array(z.enum(DAYS))
      .min(1)
      .optional()
      .describe("Whole days (UTC) on which nothing new is proposed."),
    from: isoInstant.optional().describe("Start of a one-off freeze (ISO 8601)."),
    to: isoInstant.optional().describe("End of a one-off freeze (ISO 8601)."),
    reason: z.string().optional().describe("Shown on the dashboard and in blocked decisions."),
  })
  .superRefine((w, ctx) => {
    const hasRange = w.from !== undefined || w.to !== undefined;
    if ((w.days === undefined) === !hasRange) {
      ctx.addIssue({ code: "custom", message: "a freeze window is either `days: [...]` or `from` + `to`" });
    } else if (hasRange && (w.from === undefined || w.to === undefined)) {
      ctx.addIssue({ code: "custom", message: "a freeze window needs both `from` and `to`" });
    } else if (w.from !== undefined && w.to !== undefined && Date.parse(w.from) >= Date.parse(w.to)) {
      ctx.addIssue({ code: "custom", message: "`from` must be before `to`", path: ["to"] });
    }
  });

const appliedWhenSchema = z
  .strictObject({
    merged: durationSchema.optional().describe("Applied this long after the merge."),
    commitStatus: z
      .strictObject({ context: z.string().min(1).describe("The status context, e.g. argocd/shop.") })
      .optional()
      .describe(
        "Applied when a successful status with this context is posted on the merge commit or a descendant.",
      ),
    liveValue: z
      .strictObject({
        query: promqlSchema.describe(
          "Scoped by the lever's selector; applied when it returns the new value.",
        ),
      })
      .optional()
      .describe("Applied when the live value read from Prometheus equals the new value."),
  })
  .superRefine((a, ctx) => {
    const n = [a.merged, a.commitStatus, a.liveValue].filter((x) => x !== undefined).length;
    if (n !== 1)
      ctx.addIssue({
        code: "custom",
        message: "appliedWhen takes exactly one of: merged, commitStatus, liveValue",
      });
  });

export const repoGuardrailSchema = z
  .strictObject({
    name: idSchema.describe("Shown in verdicts and PRs."),
    query: promqlSchema.describe("The PromQL query watched after every change."),
    ...guardrailLimits,
    scoped: z
      .boolean()
      .default(true)
      .describe("Scope the query by the lever's selector (false for fleet-wide guardrails)."),
  })
  .superRefine(requireOneLimit);

const targetSchema = z
  .strictObject({
    file: z.string().min(1).describe("Path of the YAML file, relative to the repository root."),
    kind: z
      .string()
      .min(1)
      .optional()
      .describe("Kubernetes form: the resource kind (Deployment, StatefulSet, HorizontalPodAutoscaler...)."),
    name: z.string().min(1).optional().describe("Kubernetes form: metadata.name."),
    namespace: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Kubernetes form: metadata.namespace, when the file holds several resources of that kind and name.",
      ),
    container: z
      .string()
      .min(1)
      .optional()
      .describe("Kubernetes form: a container or initContainer name; omit for resource-level fields."),
    field: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Kubernetes form: relative to the container, else to the resource's spec (resources.requests.cpu, replicas, minReplicas).",
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .describe("Path form: dotted path with [n] indexes (config.database.poolSize)."),
    document: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Path form: 0-based document index in a multi-document file."),
  })
  .superRefine((t, ctx) => {
    const k8s =
      t.kind !== undefined ||
      t.name !== undefined ||
      t.field !== undefined ||
      t.container !== undefined ||
      t.namespace !== undefined;
    if (t.path !== undefined && k8s) {
      ctx.addIssue({
        code: "custom",
        message:
          "a target is either the Kubernetes form (kind, name, field) or the path form (path), not both",
      });
    } else if (t.path === undefined) {
      for (const key of ["kind", "name", "field"] as const) {
        if (t[key] === undefined)
          ctx.addIssue({
            code: "custom",
            message: `missing required field "${key}" (or use the path form: path)`,
            path: [],
          });
      }
      if (t.document !== undefined)
        ctx.addIssue({ code: "custom", message: "`document` belongs to the path form", path: ["document"] });
    }
  })
  .describe("Where the value lives: the Kubernetes form or the path form.");

export const leverSchema = z
  .strictObject({
    id: idSchema.describe("Unique in the repo; also the PR branch name governor/<id>."),
    policy: idSchema.describe(
      "A built-in policy (policies/) or the repo's own (.github/governor/policies/*.yaml).",
    ),
    target: targetSchema,
    selector: selectorSchema.describe("PromQL label matchers added to every query of this lever."),
    bounds: z
      .strictObject({
        min: leverValueSchema.describe("Never write less than this."),
        max: leverValueSchema.describe("Never write more than this."),
      })
      .describe("Hard limits, in the policy's value type."),
    maxStep: z
      .number()
      .gt(0, { message: "maxStep is a fraction in (0, 1]: 0.5 moves at most ±50%" })
      .lte(1, { message: "maxStep is a fraction in (0, 1]: 0.5 moves at most ±50%" })
      .default(0.5)
      .describe("Each change moves at most this fraction of the current value."),
    step: leverValueSchema.optional().describe("For stepping policies (slo-step): the amount of one step."),
    cooldown: durationSchema.default("24h").describe("Minimum time between two changes of this lever."),
    approval: z
      .enum(["required", "auto"])
      .default("required")
      .describe("auto only takes effect in mode: auto, once earned."),
    direction: z
      .enum(["both", "up", "down"])
      .default("both")
      .describe("Allow only increases (up) or decreases (down)."),
    limit: z
      .enum(["keep", "ratio"])
      .default("keep")
      .describe(
        "For a resources.requests.cpu/memory lever whose container also sets the limit: keep leaves the limit alone and never writes a request above it (plan caps at it, set refuses); ratio moves the limit with the request in the same edit, keeping today's limit/request ratio. A lever on a limit never goes below its request either way.",
      ),
    allowWithHpa: z
      .boolean()
      .default(false)
      .describe("Tune a request even though an HPA scales on its utilisation."),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("Overrides of the policy's strategy parameters."),
  })
  .superRefine((l, ctx) => {
    const request = /^resources\.requests\.(cpu|memory)$/.test(l.target.field ?? "");
    if (l.limit === "ratio" && (!request || l.target.container === undefined))
      ctx.addIssue({
        code: "custom",
        message:
          "`limit: ratio` moves a container's limit with its request: it needs a target with container and field resources.requests.cpu or resources.requests.memory",
        path: ["limit"],
      });
  })
  .describe("One tunable value, its bounds and its pace.");

export const repoConfigSchema = z
  .strictObject({
    version: z
      .literal(1, { error: "Governor understands config version 1 only: set `version: 1`" })
      .describe("Config format version."),
    mode: z
      .enum(MODES)
      .default("suggest")
      .describe("observe: report only; suggest: open PRs; auto: auto-merge low-risk changes once earned."),
    prometheus: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, message: "expected an http(s) URL" })
          .optional()
          .describe(
            "Used by the CLI only when neither `--prometheus` nor PROMETHEUS_URL is given, and then without credentials (no PROMETHEUS_* auth or headers, no user:password from the URL); the App ignores it.",
          ),
        endpoint: z
          .string()
          .regex(/^[a-z0-9-]+$/, { message: "endpoint names use lowercase letters, digits and dashes" })
          .optional()
          .describe(
            "For the App: one of the operator's named Prometheus endpoints (PROMETHEUS_URL_<NAME>); default: PROMETHEUS_URL.",
          ),
      })
      .optional()
      .describe("Where metrics are read: a URL for the CLI, a named endpoint for the App."),
    grafana: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/, message: "expected an http(s) URL" })
          .describe("Grafana base URL, for Explore links."),
        datasource: z.string().min(1).describe("The Prometheus datasource's name or uid in Grafana."),
      })
      .optional()
      .describe("Evidence links also open in Grafana Explore."),
    schedule: z
      .strictObject({ interval: durationSchema.default("1h").describe("How often levers are evaluated.") })
      .prefault({})
      .describe("When the App evaluates the repository."),
    limits: z
      .strictObject({
        maxOpenPullRequests: z
          .number()
          .int()
          .min(0)
          .default(3)
          .describe("Open Governor PRs at once in this repo."),
        maxChangesPerDay: z
          .number()
          .int()
          .min(0)
          .default(5)
          .describe("Changes proposed per day in this repo."),
        freeze: z
          .array(freezeWindowSchema)
          .default([])
          .describe("No new proposals inside these windows; reverts still allowed."),
      })
      .prefault({})
      .describe("Repository-wide limits on the pace of change."),
    watch: z
      .strictObject({
        window: durationSchema.default("30m").describe("How long an applied change is watched."),
        interval: durationSchema.default("1m").describe("Guardrail evaluation interval inside the window."),
        appliedWhen: appliedWhenSchema
          .default({ merged: "5m" })
          .describe("When a merged change counts as applied."),
      })
      .prefault({})
      .describe("The post-deploy watch of every applied change."),
    guardrails: z.array(repoGuardrailSchema).default([]).describe("Watched after every change in this repo."),
    levers: z.array(leverSchema).describe("The values Governor may tune."),
  })
  .describe("Governor's repository configuration, .github/governor.yml");

export type RepoConfig = z.infer<typeof repoConfigSchema>;
export type Lever = z.infer<typeof leverSchema>;
export type LeverTarget = Lever["target"];
export type RepoGuardrail = z.infer<typeof repoGuardrailSchema>;
