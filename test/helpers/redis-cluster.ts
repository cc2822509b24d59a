import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freeLowPort } from './processes';

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
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-cluster-'));
  const ports: number[] = [];
  while (ports.length < 3) {
    const p = await freeLowPort();
    // The cluster bus listens on port + 10000: it must be free too.
    if (!ports.includes(p) && p + 10000 < 65536) ports.push(p);
  }
  const children = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' }),
  );
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
    for (const port of ports) {
      const end = Date.now() + 10_000;
      while (!(await answers(port))) {
        if (Date.now() > end) throw new Error(`redis-server on ${port} did not answer`);
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
