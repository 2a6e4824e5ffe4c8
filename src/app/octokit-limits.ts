import { ProbotOctokit } from "probot";

export function governorOctokit(_options: { readonly maxWaitMs: number }): typeof ProbotOctokit {
  return ProbotOctokit;
}
