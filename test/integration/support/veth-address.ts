import { execFile, execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/**
 * An address the kube-apiserver will proxy to, for a test server standing in for a model's pod.
 * The API server refuses to proxy to loopback (and link-local) addresses, and test servers must
 * not listen on the machine's real network. So this creates a network namespace and a veth pair
 * (iproute2), puts a private /30 of 10.200.0.0/16 on it, and hands out the host-side address: a
 * server bound there is reachable from this machine (the API server) and from the namespace only.
 * `remove()` deletes the namespace, which deletes both veth ends; it runs on every exit path
 * (afterAll, and process exit for a killed run).
 */
export interface VethAddress {
  /** The host-side address to bind test servers to. */
  readonly host: string;
  readonly netns: string;
  remove(): Promise<void>;
}

const IP_TIMEOUT_MS = 10_000;

function ip(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', [...args], { timeout: IP_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** Creates the namespace and veth pair; throws with iproute2's reason when it cannot (not root, no ip). */
export async function createVethAddress(): Promise<VethAddress> {
  const id = `${process.pid.toString(36)}${randomInt(36 ** 3).toString(36)}`.slice(-6);
  const netns = `modelstack-${id}`;
  const hostIf = `msh${id}`;
  const nsIf = `msn${id}`;
  await ip(['netns', 'add', netns]);
  const remove = async (): Promise<void> => {
    process.off('exit', onExit);
    await ip(['netns', 'del', netns]).catch(() => undefined);
  };
  const onExit = (): void => {
    // Last resort for a run killed before afterAll: synchronous, bounded.
    try {
      execFileSync('ip', ['netns', 'del', netns], { timeout: IP_TIMEOUT_MS, stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  };
  process.on('exit', onExit);
  try {
    await ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', netns]);
    // A /30 other runs (other suites, other worktrees) are unlikely to hold; retry on a clash.
    let host: string | undefined;
    for (let attempt = 0; attempt < 5 && !host; attempt++) {
      const base = `10.200.${randomInt(256)}.${randomInt(64) * 4}`;
      const [a, b, c, d] = base.split('.').map(Number) as [number, number, number, number];
      const candidate = `${a}.${b}.${c}.${d + 1}`;
      try {
        await ip(['addr', 'add', `${candidate}/30`, 'dev', hostIf]);
        await ip(['netns', 'exec', netns, 'ip', 'addr', 'add', `${a}.${b}.${c}.${d + 2}/30`, 'dev', nsIf]);
        host = candidate;
      } catch {
        await ip(['addr', 'flush', 'dev', hostIf]).catch(() => undefined);
      }
    }
    if (!host) throw new Error('no free 10.200.x.y/30 after 5 tries');
    await ip(['link', 'set', hostIf, 'up']);
    await ip(['netns', 'exec', netns, 'ip', 'link', 'set', nsIf, 'up']);
    await waitForAddress(host);
    return { host, netns, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

/** A fresh address is "tentative" for a moment (IPv4 has no DAD, but the link must come up): poll briefly. */
async function waitForAddress(host: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const out = await ip(['-4', 'addr', 'show', 'to', host]);
    if (out.includes(host) && !out.includes('tentative')) return;
    if (Date.now() > deadline) throw new Error(`address ${host} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
