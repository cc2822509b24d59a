import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import type { App } from 'supertest/types';
import { appOf, signIn } from '../helpers/api';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { checkingResponses, takeMismatches } from '../helpers/response-schemas';

/** The tests' own check that every answer matches its route's declared schema: it must find what is wrong. */
describe('answers are held to the schemas their routes declare', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
    await seedRegions(h.ctx.db);
  });
  afterAll(async () => {
    await h.close();
  });

  /** A stand-in for the service that answers every request with `status` and `body`. */
  const answering = (status: number, body: unknown): App =>
    checkingResponses(h.ctx, (_req: IncomingMessage, res: ServerResponse) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(body));
    }) as unknown as App;

  it('passes the real answers of the service', async () => {
    const station = await signIn(h, appOf(h), { regionCode: REGIONS.countyA.code });
    expect((await station.get(`/api/v1/regions/${REGIONS.countyA.code}`)).status).toBe(200);
    expect((await station.get('/api/v1/regions/99')).status).toBe(404);
    expect(takeMismatches()).toEqual([]);
  });

  it('names a route whose answer lacks a declared field', async () => {
    await request(answering(200, { code: REGIONS.countyA.code })).get(`/api/v1/regions/${REGIONS.countyA.code}`);
    const found = takeMismatches();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^GET \/api\/v1\/regions\/532528 → 200 \(GET \/api\/v1\/regions\/:code\): does not match its declared schema: name: /);
  });

  it('names an answer with a status the route does not declare', async () => {
    await request(answering(202, {})).get('/api/v1/regions');
    expect(takeMismatches()).toEqual([expect.stringMatching(/answered 202, which the route does not declare \(it declares 200\)/)]);
  });

  it('names an error that is not in the error envelope, on any status', async () => {
    await request(answering(409, { message: 'conflict' })).patch(`/api/v1/regions/${REGIONS.countyA.code}`);
    expect(takeMismatches()).toEqual([expect.stringMatching(/→ 409 .*not the error envelope: error: /)]);
  });
});
