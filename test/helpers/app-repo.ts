/** The repository the App tests tune: one CPU lever on one Deployment. */
export const CONFIG = `version: 1
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: apps/d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 100m, max: "4"}
`;

export const DEPLOYMENT =
  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources:\n            requests:\n              cpu: 500m\n";
