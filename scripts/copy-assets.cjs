// Copies what the compiled service reads at run time beside dist/: SQL migrations, the administrative
// divisions and locales.
const { cpSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
cpSync(join(root, 'src/db/migrations'), join(root, 'dist/src/db/migrations'), { recursive: true });
cpSync(join(root, 'src/regions/divisions'), join(root, 'dist/src/regions/divisions'), { recursive: true });
cpSync(join(root, 'locales'), join(root, 'dist/locales'), { recursive: true });
