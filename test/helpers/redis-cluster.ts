import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freeLowPort, isPortFree } from './processes';

export interface LocalCluster {
  /** host:port of each master, for REDIS_CLUSTER_NODES. */
  nodes: string;
  ports: number[];
  /** The three redis-server processes, stopped by their own PIDs. */
  children: ChildProcess[];
  stop(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Three Redis masters on free ports, joined into a cluster (no replicas, nothing written to disk but
 * the cluster's own node files in a temporary folder).
 */
export async function startLocalCluster(): Promise<LocalCluster> {
  // A port found free can be taken before redis-server binds it (the cluster bus, port + 10000, lies in the
  // range the system hands out for outgoing connections): a node that exits at once is started again elsewhere.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= 4) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-cluster-'));
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freeLowPort();
    // The cluster bus listens on port + 10000: it must be free too.
    if (!ports.includes(p) && p + 10000 < 65536 && (await isPortFree(p + 10000))) ports.push(p);
  }
  const children = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  // What each node printed, for the error when one does not come up.
  const said = children.map((c) => {
    const out: string[] = [];
    c.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
    c.stderr?.on('data', (d: Buffer) => out.push(d.toString()));
    return out;
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, port] of ports.entries()) {
      const end = Date.now() + 10_000;
      while (!(await answers(port))) {
        const child = children[i]!;
        if (child.exitCode !== null || child.signalCode !== null) throw new PortTaken(`redis-server on ${port} exited (${child.exitCode ?? child.signalCode}): ${said[i]!.join('').slice(-500)}`);
        if (Date.now() > end) throw new Error(`redis-server on ${port} did not answer: ${said[i]!.join('').slice(-500)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const made = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (made.status !== 0) throw new Error(`redis-cli --cluster create failed: ${made.stdout}${made.stderr}`);
    // Formed once every node reports all slots served.
    for (const port of ports) {
      const end = Date.now() + 20_000;
      for (;;) {
        const info = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > end) throw new Error(`cluster not ok on ${port}: ${info}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, children, stop };
}
