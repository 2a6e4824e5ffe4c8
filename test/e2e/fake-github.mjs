// A small fake of the GitHub API over a temporary bare git repository, in its own process, so
// that its state survives killing the App. Only what Governor's reconcile uses is served.
// Usage: node fake-github.mjs <bare-repo> <state.json>; prints "LISTENING <port>", and
// "PAUSED <n>" when it holds back the n-th write (set with POST /_control {"pauseAtWrite": n}).
// Other faults, set with POST /_control (each one-shot):
//   {"issue502": true}: the next POST /issues creates the issue, then answers 502 (as GitHub can);
//   {"barriers": [{"on": "<key>", "count": n}]}: requests with that key are held until n have come
//     (or 10 s passed), then all go on at once: two processes reach that point together;
//   {"hooks": [{"on": "<key>", "when": "before"|"after", "commit": {ref, path, text, message}}]}:
//     a person's commit on a branch, just before or after that request is served.
// A key is "<METHOD> <path below /repos/o/r>" or "graphql:<operation name>". GET /_log lists
// the requests served, each with its key and user agent.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";

const [bare, statePath] = process.argv.slice(2);
const git = (args, input, env = {}) =>
  execFileSync("git", args, {
    cwd: bare,
    input,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "gh",
      GIT_AUTHOR_EMAIL: "gh@x",
      GIT_COMMITTER_NAME: "gh",
      GIT_COMMITTER_EMAIL: "gh@x",
      ...env,
    },
  }).trim();
const load = () =>
  existsSync(statePath)
    ? JSON.parse(readFileSync(statePath, "utf8"))
    : { next: 1, pulls: [], issues: [], comments: [] };
const save = (s) => writeFileSync(statePath, JSON.stringify(s, null, 1));
let pauseAtWrite = 0;
let writes = 0;
let issue502 = false;
let barriers = [];
let hooks = [];
const served = [];

const tryGit = (args) => {
  try {
    return git(args);
  } catch {
    return undefined;
  }
};

function blobEntry(oid, path) {
  const text = tryGit(["show", `${oid}:${path}`]);
  return text === undefined ? null : { text: `${text}\n`, byteSize: text.length + 1, isBinary: false };
}

function graphql(body) {
  const s = load();
  if (body.query.includes("governorSnapshot")) {
    const head = git(["rev-parse", "refs/heads/main"]);
    const labelled = (x, l) => x.labels.includes(l);
    return {
      data: {
        repository: {
          defaultBranchRef: {
            name: "main",
            target: { oid: head, tree: { oid: git(["rev-parse", `${head}^{tree}`]) } },
          },
          config: blobEntry(head, ".github/governor.yml"),
          policies: null,
          dashboard: {
            nodes: s.issues
              .filter((i) => i.state === "open" && labelled(i, "governor:dashboard"))
              .map((i) => ({ number: i.number, body: i.body, createdAt: "2026-11-23T09:00:00Z" })),
          },
          closedDashboards: {
            nodes: s.issues
              .filter((i) => i.state === "closed" && labelled(i, "governor:dashboard"))
              .reverse()
              .map((i) => ({ number: i.number, body: i.body })),
          },
          pullRequests: {
            nodes: s.pulls
              .filter((p) => labelled(p, "governor"))
              .map((p) => ({
                number: p.number,
                state: p.state.toUpperCase(),
                createdAt: "2026-11-23T09:00:00Z",
                mergedAt: null,
                closedAt: null,
                body: p.body,
                headRefName: p.head,
                headRef: tryGit(["rev-parse", "--verify", "-q", `refs/heads/${p.head}`])
                  ? { target: { message: git(["log", "-1", "--format=%B", `refs/heads/${p.head}`]) } }
                  : null,
                labels: { nodes: p.labels.map((name) => ({ name })) },
              })),
          },
        },
      },
    };
  }
  const repository = {};
  for (const m of body.query.matchAll(/(d\d+): object\(expression: "([^":]+):([^"]*)"\)/g)) {
    const [, alias, oid, folder] = m;
    const listing = tryGit(["ls-tree", oid, folder === "" ? "." : `${folder}/`]) ?? "";
    repository[alias] = {
      entries: listing
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split("\t");
          const [mode, type] = meta.split(" ");
          const name = path.split("/").pop();
          return {
            name,
            type,
            mode: Number.parseInt(mode, 8),
            object: type === "blob" ? blobEntry(oid, path) : null,
          };
        }),
    };
  }
  return { data: { repository } };
}

function handle(method, url, body) {
  const s = load();
  const path = decodeURIComponent(url.split("?")[0]).replace("/repos/o/r", "");
  const query = new URLSearchParams(url.split("?")[1] ?? "");
  if (method === "POST" && path === "/graphql") return [200, graphql(body)];
  if (method === "POST" && path === "/git/trees") {
    // GitHub's documentation: base_tree is "the SHA1 of an existing Git tree object"; a commit is refused.
    if (body.base_tree !== undefined && tryGit(["cat-file", "-t", body.base_tree]) !== "tree")
      return [
        422,
        {
          message: "base_tree is not a valid tree oid",
          documentation_url: "https://docs.github.com/rest/git/trees#create-a-tree",
        },
      ];
    const index = `${bare}/tmp-index-${process.pid}`;
    const env = { GIT_INDEX_FILE: index };
    if (body.base_tree !== undefined) git(["read-tree", body.base_tree], undefined, env);
    for (const e of body.tree) {
      const blob = git(["hash-object", "-w", "--stdin"], e.content);
      git(["update-index", "--add", "--cacheinfo", `${e.mode},${blob},${e.path}`], undefined, env);
    }
    const sha = git(["write-tree"], undefined, env);
    rmSync(index, { force: true });
    return [201, { sha }];
  }
  if (method === "POST" && path === "/git/commits")
    return [
      201,
      {
        sha: git(
          ["commit-tree", body.tree, ...body.parents.flatMap((p) => ["-p", p]), "-F", "-"],
          body.message,
        ),
      },
    ];
  if (method === "POST" && path === "/git/refs") {
    if (tryGit(["rev-parse", "--verify", "-q", body.ref]))
      return [422, { message: "Reference already exists" }];
    git(["update-ref", body.ref, body.sha]);
    return [201, { ref: body.ref, object: { sha: body.sha } }];
  }
  let m = /^\/git\/ref\/(.+)$/.exec(path);
  if (method === "GET" && m) {
    const sha = tryGit(["rev-parse", "--verify", "-q", `refs/${m[1]}`]);
    return sha ? [200, { object: { sha } }] : [404, { message: "Not Found" }];
  }
  m = /^\/git\/refs\/(.+)$/.exec(path);
  if (method === "PATCH" && m) {
    const current = tryGit(["rev-parse", "--verify", "-q", `refs/${m[1]}`]);
    if (!current) return [422, { message: "Reference does not exist" }];
    const forward = tryGit(["merge-base", "--is-ancestor", current, body.sha]) !== undefined;
    if (body.force !== true && !forward) return [422, { message: "Update is not a fast forward" }];
    git(["update-ref", `refs/${m[1]}`, body.sha]);
    return [200, { object: { sha: body.sha } }];
  }
  m = /^\/git\/commits\/([0-9a-f]+)$/.exec(path);
  if (method === "GET" && m)
    return [
      200,
      {
        sha: m[1],
        message: git(["log", "-1", "--format=%B", m[1]]),
        tree: { sha: git(["rev-parse", `${m[1]}^{tree}`]) },
        parents: git(["log", "-1", "--format=%P", m[1]])
          .split(" ")
          .filter(Boolean)
          .map((sha) => ({ sha })),
      },
    ];
  m = /^\/compare\/([0-9a-f]+)\.\.\.([0-9a-f]+)$/.exec(path);
  if (method === "GET" && m) {
    const [, base, head] = m;
    const ancestor = (a, b) => tryGit(["merge-base", "--is-ancestor", a, b]) !== undefined;
    const status =
      base === head
        ? "identical"
        : ancestor(base, head)
          ? "ahead"
          : ancestor(head, base)
            ? "behind"
            : "diverged";
    // Three dots: the commits of head since the merge base, oldest first, paged as GitHub does.
    const all = (tryGit(["rev-list", "--reverse", `${base}..${head}`]) ?? "").split("\n").filter(Boolean);
    const perPage = Number(query.get("per_page") ?? 250);
    const page = Number(query.get("page") ?? 1);
    const commits = all.slice((page - 1) * perPage, page * perPage).map((sha) => ({
      sha,
      commit: { message: git(["log", "-1", "--format=%B", sha]) },
    }));
    return [200, { status, total_commits: all.length, commits }];
  }
  m = /^\/contents\/(.+)$/.exec(path);
  if (method === "GET" && m) {
    const at = `${query.get("ref") ?? "main"}:${m[1]}`;
    const sha = tryGit(["rev-parse", "--verify", "-q", at]);
    if (sha === undefined) return [404, { message: "Not Found" }];
    const content = Buffer.from(git(["cat-file", "blob", sha])).toString("base64");
    return [200, { type: "file", sha, encoding: "base64", content }];
  }
  if (method === "POST" && path === "/pulls") {
    if (s.pulls.some((p) => p.head === body.head && p.state === "open"))
      return [
        422,
        {
          message: "Validation Failed",
          errors: [{ message: `A pull request already exists for o:${body.head}.` }],
        },
      ];
    const pr = {
      number: s.next++,
      head: body.head,
      base: body.base,
      title: body.title,
      body: body.body,
      state: "open",
      labels: [],
      node_id: `PR_${s.next}`,
    };
    s.pulls.push(pr);
    save(s);
    return [201, pr];
  }
  if (method === "GET" && path === "/pulls")
    return [
      200,
      s.pulls.filter(
        (p) => `o:${p.head}` === query.get("head") && p.state === (query.get("state") ?? "open"),
      ),
    ];
  m = /^\/pulls\/(\d+)$/.exec(path);
  if (method === "PATCH" && m) {
    const pr = s.pulls.find((p) => p.number === Number(m[1]));
    Object.assign(pr, body);
    save(s);
    return [200, pr];
  }
  m = /^\/issues\/(\d+)\/labels$/.exec(path);
  if (method === "POST" && m) {
    const target = [...s.pulls, ...s.issues].find((p) => p.number === Number(m[1]));
    target.labels = [...new Set([...target.labels, ...body.labels])];
    save(s);
    return [200, target.labels.map((name) => ({ name }))];
  }
  m = /^\/issues\/(\d+)\/comments$/.exec(path);
  if (method === "POST" && m) {
    s.comments.push({ issue: Number(m[1]), body: body.body });
    save(s);
    return [201, {}];
  }
  if (method === "POST" && path === "/issues") {
    const issue = {
      number: s.next++,
      title: body.title,
      body: body.body,
      labels: body.labels ?? [],
      state: "open",
    };
    s.issues.push(issue);
    save(s);
    if (issue502) {
      issue502 = false;
      return [502, { message: "Server Error" }];
    }
    return [201, issue];
  }
  if (method === "GET" && path === "/issues") {
    const labels = (query.get("labels") ?? "").split(",").filter(Boolean);
    const state = query.get("state") ?? "open";
    const list = s.issues
      .filter((i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)))
      .sort((a, b) => a.number - b.number);
    return [200, query.get("direction") === "desc" ? list.reverse() : list];
  }
  m = /^\/issues\/(\d+)$/.exec(path);
  if (method === "GET" && m) {
    const issue = s.issues.find((i) => i.number === Number(m[1]));
    return issue ? [200, issue] : [404, { message: "Not Found" }];
  }
  if (method === "PATCH" && m) {
    Object.assign(
      s.issues.find((i) => i.number === Number(m[1])),
      body,
    );
    save(s);
    return [200, {}];
  }
  return [404, { message: `fake GitHub does not serve ${method} ${path}` }];
}

/** A person's commit on `ref`, changing one file (a push the App does not expect). */
function personCommit({ ref, path, text, message }) {
  const parent = git(["rev-parse", ref]);
  const index = `${bare}/tmp-person-${process.pid}`;
  const env = { GIT_INDEX_FILE: index, GIT_AUTHOR_NAME: "person", GIT_COMMITTER_NAME: "person" };
  git(["read-tree", parent], undefined, env);
  const blob = git(["hash-object", "-w", "--stdin"], text);
  git(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], undefined, env);
  const tree = git(["write-tree"], undefined, env);
  rmSync(index, { force: true });
  const commit = git(["commit-tree", tree, "-p", parent, "-F", "-"], message, env);
  git(["update-ref", ref, commit]);
}

function runHooks(key, when) {
  const due = hooks.filter((h) => h.on === key && (h.when ?? "before") === when);
  hooks = hooks.filter((h) => !due.includes(h));
  for (const h of due) personCommit(h.commit);
}

/** Holds a request at its barrier until `count` requests with its key arrived (or 10 s passed). */
function atBarrier(key) {
  const b = barriers.find((x) => x.on === key);
  if (!b) return Promise.resolve();
  return new Promise((resolve) => {
    b.waiting.push(resolve);
    const release = () => {
      barriers = barriers.filter((x) => x !== b);
      clearTimeout(b.timer);
      for (const r of b.waiting.splice(0)) r();
    };
    if (b.waiting.length >= b.count) release();
    else b.timer ??= setTimeout(release, 10_000);
  });
}

const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (d) => {
    raw += d;
  });
  req.on("end", async () => {
    const body = raw ? JSON.parse(raw) : {};
    if (req.url === "/_control") {
      pauseAtWrite = body.pauseAtWrite ?? 0;
      writes = 0;
      issue502 = body.issue502 ?? false;
      barriers = (body.barriers ?? []).map((b) => ({ ...b, waiting: [] }));
      hooks = body.hooks ?? [];
      res.end("{}");
      return;
    }
    if (req.url === "/_log") {
      res.end(JSON.stringify(served));
      return;
    }
    const isWrite = req.method !== "GET" && req.url !== "/graphql";
    if (isWrite) {
      writes++;
      if (writes === pauseAtWrite) {
        // Hold the request, unprocessed: the App is killed while waiting for it.
        process.stdout.write(`PAUSED ${writes}\n`);
        return;
      }
    }
    const path = decodeURIComponent(req.url.split("?")[0]).replace("/repos/o/r", "");
    const op = path === "/graphql" ? /query\s+(\w+)/.exec(body.query ?? "")?.[1] : undefined;
    const key = op ? `graphql:${op}` : `${req.method} ${path}`;
    await atBarrier(key);
    runHooks(key, "before");
    const [status, out] = handle(req.method, req.url, body);
    runHooks(key, "after");
    served.push({ key, agent: req.headers["user-agent"] ?? "", status });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(out));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`LISTENING ${server.address().port}\n`));
