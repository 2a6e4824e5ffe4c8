/**
 * One reconcile per repository at a time in this process. A call that comes while one runs is not
 * run beside it (two reconciles would each create what the other is creating) and not dropped
 * (the running one may have read the repository before the event): it joins the one run that
 * follows. Every call that joins it gets that run's result, and their commands (a `/governor hold`
 * comment) are all applied, in the order they came. A burst of webhooks costs at most two runs.
 */
interface Run<C, T> {
  readonly commands: C[];
  work: (commands: readonly C[]) => Promise<T>;
  readonly result: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function newRun<C, T>(work: (commands: readonly C[]) => Promise<T>): Run<C, T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: unknown) => void = () => undefined;
  const result = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { commands: [], work, result, resolve, reject };
}

export class RepoLock<C, T> {
  /** For each busy repository, the run that follows the one under way, if any call is waiting. */
  private readonly busy = new Map<string, { next?: Run<C, T> | undefined }>();

  run(key: string, command: C | undefined, work: (commands: readonly C[]) => Promise<T>): Promise<T> {
    const slot = this.busy.get(key);
    if (slot) {
      slot.next ??= newRun(work);
      slot.next.work = work; // the newest caller's client: its token is the freshest
      if (command !== undefined) slot.next.commands.push(command);
      return slot.next.result;
    }
    const first = newRun<C, T>(work);
    if (command !== undefined) first.commands.push(command);
    const mine: { next?: Run<C, T> | undefined } = {};
    this.busy.set(key, mine);
    void this.drive(key, mine, first);
    return first.result;
  }

  private async drive(key: string, slot: { next?: Run<C, T> | undefined }, first: Run<C, T>) {
    let run: Run<C, T> | undefined = first;
    while (run) {
      try {
        run.resolve(await run.work(run.commands));
      } catch (e) {
        run.reject(e);
      }
      run = slot.next;
      slot.next = undefined;
    }
    this.busy.delete(key);
  }
}
