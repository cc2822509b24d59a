import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger';
import { openRedis, RedisUnavailable } from '../../src/redis';

/** A port on loopback where nothing listens (the discard port, never used by Redis). */
const NOWHERE = { host: '127.0.0.1', port: 9 };
const logger = createLogger('silent');

describe('finding Redis at start', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'bangfu-redis-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('uses REDIS_URL when it is given', async () => {
    const handle = await openRedis({ url: 'redis://127.0.0.1:6379', prefix: 'bangfu-test', serverBin: 'redis-server', dataDir: tmp() }, logger);
    expect(handle.source).toBe('url');
    await handle.ping();
    await handle.close();
    await handle.close();
  });

  it('says clearly when REDIS_URL does not answer', async () => {
    await expect(
      openRedis({ url: 'redis://127.0.0.1:9', prefix: 'x', serverBin: 'redis-server', dataDir: tmp() }, logger),
    ).rejects.toThrow(/Redis does not answer at REDIS_URL \(127\.0\.0\.1:9\)/);
  });

  it('starts a private redis-server when none is running and none is configured, and keeps its data', async () => {
    const dataDir = tmp();
    const handle = await openRedis({ url: undefined, prefix: 'p', serverBin: 'redis-server', dataDir, local: NOWHERE }, logger);
    expect(handle.source).toBe('private');
    await handle.kv.set('left-behind', 'yes');
    const port = handle.options.port;
    expect(port).not.toBe(6379);
    await handle.close();
    // The next start in the same DATA_DIR gets a server with the same data back.
    const again = await openRedis({ url: undefined, prefix: 'p', serverBin: 'redis-server', dataDir, local: NOWHERE }, logger);
    expect(await again.kv.get('left-behind')).toBe('yes');
    await again.close();
  });

  it('exits with one clear line when Redis is absent and cannot be started', async () => {
    const attempt = openRedis({ url: undefined, prefix: 'p', serverBin: '/nonexistent/redis-server', dataDir: tmp(), local: NOWHERE }, logger);
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailable);
    await expect(attempt).rejects.toThrow(/no redis-server is installed .*set REDIS_URL/);
  });
});
