import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildApi } from '../src/app';
import type { AppContext } from '../src/context';
import { openApiDocument } from '../src/http/openapi';

/**
 * `npm run client:generate`: writes the OpenAPI document of the API (the same one served at
 * /api/v1/openapi.json) to the path given, for the typed client. Building the routes touches no
 * database: handlers only hold the context for when they run.
 */
const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: tsx scripts/openapi.ts <output.json>\n');
  process.exit(2);
}
const doc = openApiDocument(buildApi({} as AppContext));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
