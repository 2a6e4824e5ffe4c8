import { describe, expect, it } from "vitest";
import { RepoLock } from "../../src/app/repo-lock.js";

/** A run the test finishes by hand, so the order of events is the test's, not the clock's. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("RepoLock: one reconcile per repository at a time", () => {
  it("calls that come during a run wait, and are coalesced into one run with every command, in order", async () => {
    const lock = new RepoLock<string, string>();
    const events: string[] = [];
    const first = gate();
    const a = lock.run("o/r", undefined, async (cs) => {
      events.push(`start 1 [${cs.join(",")}]`);
      await first.opened;
      events.push("end 1");
      return "result 1";
    });
    const work2 = async (cs: readonly string[]) => {
      events.push(`start 2 [${cs.join(",")}]`);
      return "result 2";
    };
    const b = lock.run("o/r", "hold", work2);
    const c = lock.run("o/r", undefined, work2);
    const d = lock.run("o/r", "resume", work2);
    await settle();
    expect(events).toEqual(["start 1 []"]);
    first.open();
    expect(await Promise.all([a, b, c, d])).toEqual(["result 1", "result 2", "result 2", "result 2"]);
    expect(events).toEqual(["start 1 []", "end 1", "start 2 [hold,resume]"]);
  });

  it("other repositories are not held back", async () => {
    const lock = new RepoLock<string, string>();
    const slow = gate();
    const a = lock.run("o/a", undefined, async () => {
      await slow.opened;
      return "a";
    });
    expect(await lock.run("o/b", undefined, async () => "b")).toBe("b");
    slow.open();
    expect(await a).toBe("a");
  });

  it("a run that throws rejects its callers only; the next run still happens, and the lock is free after", async () => {
    const lock = new RepoLock<string, string>();
    const first = gate();
    const a = lock.run("o/r", undefined, async () => {
      await first.opened;
      throw new Error("boom");
    });
    const b = lock.run("o/r", "hold", async (cs) => `ran with ${cs.join(",")}`);
    first.open();
    await expect(a).rejects.toThrow("boom");
    expect(await b).toBe("ran with hold");
    expect(await lock.run("o/r", undefined, async () => "free")).toBe("free");
  });
});
