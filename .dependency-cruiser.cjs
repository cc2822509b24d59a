/**
 * Module rules checked by `npm run lint`:
 * - no import cycles anywhere;
 * - src/ (the domain, reached by HTTP, chat and queues alike) never imports the processes around it:
 *   jobs/ (queue workers), bots/ (WeChat), server/ (the entry point that wires them);
 * - jobs/ and bots/ never import server/, nor each other;
 * - the kernel (src/db, shared, queues, events, http, pii, audit and the files at the top of src/) is imported
 *   by file from anywhere and imports no domain module;
 * - every other folder of src/ is a module with a front door, its index.ts: from outside the module
 *   (another module, src/app.ts, jobs/, bots/, server/) only that is imported; a module may also keep a light
 *   door, pure.ts, for worker threads: functions that only compute, reaching no database, queue or network
 *   client (pure-door), so a thread that starts on it loads in a fraction of the time;
 * - modules sit in layers, and a module imports only modules of lower layers (LAYERS below, bottom first);
 * - tables are imported from their own schema file (src/db/schema/<module>.ts), never through the barrel
 *   src/db/schema, which only src/db/ itself uses; a module reads and writes its own tables only (own-tables):
 *   another module's data comes through its owner's front door, a read model it publishes, or a port handed in
 *   through the AppContext.
 */
const KERNEL = ['db', 'shared', 'queues', 'events', 'http', 'pii', 'audit'];
const KERNEL_FILES = ['config', 'context', 'logger', 'i18n', 'redis', 'outbox'];
/**
 * Tables of the kernel itself, not of a module: the outbox and the once-only notes of event handling
 * (schema/events.ts) are written by src/outbox.ts and by the worker that runs the event subscribers
 * (jobs/handlers.ts notes a subscriber's effect in the transaction of the effect), so own-tables does not
 * count them for the processes. Modules still go through src/outbox.ts. The audit log is not among them:
 * it is written only through the unit of work (src/shared/command.ts).
 */
const KERNEL_TABLES = ['events'];
const kernelTables = `^src/db/schema/(?:${KERNEL_TABLES.join('|')})\\.ts$`;
const LAYERS = [
  ['regions', 'notices', 'backup', 'control', 'health'],
  ['access', 'reporting', 'registry', 'metrics'],
  ['outreach', 'policies', 'chat', 'demo'],
  ['market'],
  ['rain-dew', 'monitoring', 'fairs'],
  ['imports', 'me'],
  ['privacy'],
];
const kernel = `(?:${KERNEL.join('|')})`;
const notKernelModule = `^src/(?!${kernel}/)[^/]+/`;
/** The doors of a module: index.ts, and pure.ts for worker threads. */
const doors = '(?!(?:index|pure)\\.ts$)';

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: 'layers',
  severity: 'error',
  comment: `A module of layer ${i + 1} (${layer.join(', ')}) imports only modules below it; what a higher module must learn of a change it hears as a domain event.`,
  from: { path: `^src/(${layer.join('|')})/` },
  to: { path: `^src/(?:${LAYERS.slice(i).flat().join('|')})/`, pathNot: '^src/$1/' },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles make modules impossible to load, test or split on their own.', from: {}, to: { circular: true } },
    { name: 'domain-stands-alone', severity: 'error', comment: 'src/ is used by every process; what runs it is passed in (see AppContext, AppOptions.doors).', from: { path: '^src/' }, to: { path: '^(jobs|bots|server)/' } },
    { name: 'processes-apart', severity: 'error', comment: 'The worker and the bot are separate processes; only server/ wires them together.', from: { path: '^jobs/' }, to: { path: '^(bots|server)/' } },
    { name: 'bot-apart', severity: 'error', from: { path: '^bots/' }, to: { path: '^(jobs|server)/' } },
    {
      name: 'front-door',
      severity: 'error',
      comment: "A module is used through its index.ts only, so what it keeps to itself can change without breaking the others.",
      from: { path: '^src/([^/]+)/' },
      to: { path: `${notKernelModule}${doors}`, pathNot: '^src/$1/' },
    },
    {
      name: 'front-door',
      severity: 'error',
      comment: 'The app, jobs, bots and server use a module through its index.ts only.',
      from: { path: '^(jobs|bots|server)/|^src/[^/]+\\.ts$' },
      to: { path: `${notKernelModule}${doors}` },
    },
    {
      name: 'pure-door',
      severity: 'error',
      comment: "A module's pure.ts is for worker threads: nothing it reaches may open a database, a queue or a network client.",
      from: { path: '^src/[^/]+/pure\\.ts$' },
      to: { path: '^(?:src/db/client|src/db/database|src/redis|src/queues/)|node_modules/(?:pg|drizzle-orm|@electric-sql|ioredis|bullmq)/', reachable: true },
    },
    {
      name: 'kernel-below-modules',
      severity: 'error',
      comment: 'The kernel is what every module stands on; it never reaches up into one.',
      from: { path: `^src/${kernel}/|^src/(?:${KERNEL_FILES.join('|')})\\.ts$` },
      to: { path: notKernelModule },
    },
    ...layerRules,
    {
      name: 'no-schema-barrel',
      severity: 'error',
      comment: "Each table is imported from its owner's schema file, so a foreign table cannot hide in a long import list.",
      from: { pathNot: '^src/db/' },
      to: { path: '^src/db/schema/index\\.ts$' },
    },
    {
      name: 'own-tables',
      severity: 'error',
      comment: "A module reads and writes its own tables; another module's data comes through that module's front door.",
      from: { path: '^src/([^/]+)/', pathNot: '^src/db/' },
      to: { path: '^src/db/schema/', pathNot: ['^src/db/schema/$1\\.ts$', '^src/db/schema/index\\.ts$'] },
    },
    {
      name: 'own-tables',
      severity: 'error',
      comment: 'The app, jobs, bots and server reach the data through the modules, not their tables.',
      from: { path: '^(jobs|bots|server)/|^src/(?:app|bootstrap)\\.ts$' },
      to: { path: '^src/db/schema/', pathNot: ['^src/db/schema/index\\.ts$', kernelTables] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|web|clients)/' },
  },
};
