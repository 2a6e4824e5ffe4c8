/** The example repository (examples/infra) and a week of plausible metrics for its workloads. */
export const EXAMPLE = new URL("../../examples/infra", import.meta.url).pathname;
const MI = 1024 * 1024;
export const EXAMPLE_SIGNALS = {
  usage: () => 0.9,
  throttling: () => 0.02,
  working_set: () => 300 * MI,
  oom: () => 0,
  replicas: () => 6,
  at_max: () => 0.3,
  latency: () => 0.4,
  saturation: () => 0.9,
  "error-ratio": () => 0.001,
};
