import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { ChangeRequest } from "../../core/reconcile/change-requests.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** Files of one commit, read in one request: the config, the repo's policies, Governor's PRs. */
export interface RepoSnapshot {
  readonly defaultBranch: string;
  readonly oid: string;
  /** The tree of that commit: what a new tree is built on (the Git Data API takes a tree there, not a commit). */
  readonly tree: string;
  readonly config?: string | undefined;
  readonly policies: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  /** Policy files that are symlinks in the tree: never read (their blob is only the link's target path). */
  readonly symlinkPolicies: readonly string[];
  readonly requests: readonly ChangeRequest[];
  /** The open issues labelled as the dashboard, oldest first (which of them is the dashboard is the core's to say). */
  readonly dashboards: ReadonlyArray<{ readonly number: number; readonly body: string }>;
  /** The closed ones, last updated first: a person closing the dashboard must not lift its holds. */
  readonly closedDashboards: ReadonlyArray<{ readonly number: number; readonly body: string }>;
}

const blob = z
  .object({ text: z.string().nullable(), byteSize: z.number(), isBinary: z.boolean().nullable().optional() })
  .nullable();
const tree = z
  .object({
    entries: z
      .array(
        z.object({
          name: z.string(),
          type: z.string(),
          mode: z.number().optional(),
          object: blob.optional(),
        }),
      )
      .nullable(),
  })
  .nullable();

const snapshotSchema = z.object({
  repository: z.object({
    defaultBranchRef: z.object({
      name: z.string(),
      target: z.object({ oid: z.string(), tree: z.object({ oid: z.string() }) }),
    }),
    config: blob,
    policies: tree,
    dashboard: z.object({ nodes: z.array(z.object({ number: z.number(), body: z.string() })) }).optional(),
    closedDashboards: z
      .object({ nodes: z.array(z.object({ number: z.number(), body: z.string() })) })
      .optional(),
    pullRequests: z.object({
      nodes: z.array(
        z.object({
          number: z.number(),
          state: z.enum(["OPEN", "CLOSED", "MERGED"]),
          createdAt: z.string(),
          mergedAt: z.string().nullable(),
          closedAt: z.string().nullable(),
          body: z.string(),
          headRefName: z.string(),
          headRef: z
            .object({ target: z.object({ message: z.string().optional() }) })
            .nullable()
            .optional(),
          labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }),
        }),
      ),
    }),
  }),
});

const SNAPSHOT = `query governorSnapshot($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    defaultBranchRef { name target { oid ... on Commit { tree { oid } } } }
    config: object(expression: "HEAD:.github/governor.yml") { ... on Blob { text byteSize isBinary } }
    policies: object(expression: "HEAD:.github/governor/policies") { ... on Tree { entries { name type mode object { ... on Blob { text byteSize isBinary } } } } }
    dashboard: issues(labels: ["governor:dashboard"], states: OPEN, first: 20, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { number body } }
    closedDashboards: issues(labels: ["governor:dashboard"], states: CLOSED, first: 20, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { number body } }
    pullRequests(labels: ["governor"], first: 100, orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { number state createdAt mergedAt closedAt body headRefName headRef { target { ... on Commit { message } } } labels(first: 20) { nodes { name } } }
    }
  }
}`;

const MAX_BYTES = 1024 * 1024;

/** One GraphQL request: everything a tick needs before it knows which lever files to read. */
export async function readSnapshot(octokit: Octokit, ref: RepoRef): Promise<RepoSnapshot> {
  const raw = await octokit.graphql(SNAPSHOT, { owner: ref.owner, name: ref.repo });
  const data = snapshotSchema.parse(raw).repository;
  const text = (b: z.infer<typeof blob> | undefined) =>
    b && !b.isBinary && b.byteSize <= MAX_BYTES && b.text !== null ? b.text : undefined;
  return {
    defaultBranch: data.defaultBranchRef.name,
    oid: data.defaultBranchRef.target.oid,
    tree: data.defaultBranchRef.target.tree.oid,
    config: text(data.config),
    policies: (data.policies?.entries ?? [])
      .filter((e) => e.type === "blob" && e.mode !== SYMLINK_MODE && /\.ya?ml$/.test(e.name))
      .flatMap((e) => {
        const t = text(e.object);
        return t === undefined ? [] : [{ path: `.github/governor/policies/${e.name}`, text: t }];
      }),
    symlinkPolicies: (data.policies?.entries ?? [])
      .filter((e) => e.mode === SYMLINK_MODE && /\.ya?ml$/.test(e.name))
      .map((e) => `.github/governor/policies/${e.name}`),
    dashboards: [...(data.dashboard?.nodes ?? [])].sort((a, b) => a.number - b.number),
    closedDashboards: data.closedDashboards?.nodes ?? [],
    requests: data.pullRequests.nodes.map((p) => ({
      number: p.number,
      state: p.state === "OPEN" ? "open" : "closed",
      createdAt: Date.parse(p.createdAt),
      mergedAt: p.mergedAt ? Date.parse(p.mergedAt) : undefined,
      closedAt: p.closedAt ? Date.parse(p.closedAt) : undefined,
      body: p.body,
      labels: p.labels.nodes.map((l) => l.name),
      branch: p.headRefName,
      headMessage: p.headRef?.target.message,
    })),
  };
}

const SYMLINK_MODE = 0o120000;

/**
 * The YAML files of the given folders at `oid`, in one request (lever files and the HPAs
 * beside them). A symlink is refused: a tree entry pointing elsewhere is not a lever file.
 */
export async function readFolders(
  octokit: Octokit,
  ref: RepoRef,
  oid: string,
  folders: readonly string[],
): Promise<Map<string, { text: string } | { problem: string }>> {
  const aliases = folders.map(
    (f, i) =>
      `d${i}: object(expression: ${JSON.stringify(`${oid}:${f === "." ? "" : f}`)}) { ... on Tree { entries { name type mode object { ... on Blob { text byteSize isBinary } } } } }`,
  );
  const query = `query governorFiles($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${aliases.join("\n")} } }`;
  const raw = (await octokit.graphql(query, { owner: ref.owner, name: ref.repo })) as {
    repository: Record<string, unknown>;
  };
  const out = new Map<string, { text: string } | { problem: string }>();
  folders.forEach((folder, i) => {
    const parsed = tree.safeParse(raw.repository[`d${i}`] ?? null);
    for (const e of parsed.success ? (parsed.data?.entries ?? []) : []) {
      if (!/\.ya?ml$/.test(e.name)) continue;
      const path = folder === "." ? e.name : `${folder}/${e.name}`;
      if (e.mode === SYMLINK_MODE)
        out.set(path, { problem: `"${path}" is a symlink: point the lever at the file itself` });
      else if (e.type !== "blob" || !e.object || e.object.isBinary || e.object.text === null)
        out.set(path, { problem: `"${path}" is not a text file` });
      else if (e.object.byteSize > MAX_BYTES)
        out.set(path, {
          problem: `"${path}" is ${e.object.byteSize} bytes; Governor reads YAML files of at most 1 MiB`,
        });
      else out.set(path, { text: e.object.text });
    }
  });
  return out;
}
