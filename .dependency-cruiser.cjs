/**
 * Module rules checked by `npm run lint`:
 * - no import cycles anywhere;
 * - src/ (the domain, reached by HTTP, chat and queues alike) never imports the processes around it:
 *   jobs/ (queue workers), bots/ (WeChat), server/ (the entry point that wires them);
 * - jobs/ and bots/ never import server/, nor each other;
 * - the kernel (src/db, shared, queues, events, http, pii, audit and the files at the top of src/) is imported
 *   by file from anywhere and imports no domain module;
 * - every other folder of src/ is a module with a front door, its index.ts: from outside the module
 *   (another module, src/app.ts, jobs/, bots/, server/) only that is imported;
 * - modules sit in layers, and a module imports only modules of lower layers (LAYERS below, bottom first).
 */
const KERNEL = ['db', 'shared', 'queues', 'events', 'http', 'pii', 'audit'];
const KERNEL_FILES = ['config', 'context', 'logger', 'i18n', 'redis', 'outbox'];
const LAYERS = [
  ['regions', 'notices', 'backup', 'control', 'health'],
  ['access', 'reporting', 'registry', 'metrics'],
  ['outreach', 'policies', 'chat', 'demo'],
  ['market'],
  ['rain-dew', 'monitoring', 'fairs'],
  ['imports', 'me'],
];
const kernel = `(?:${KERNEL.join('|')})`;
const notKernelModule = `^src/(?!${kernel}/)[^/]+/`;

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
      to: { path: `${notKernelModule}(?!index\\.ts$)`, pathNot: '^src/$1/' },
    },
    {
      name: 'front-door',
      severity: 'error',
      comment: 'The app, jobs, bots and server use a module through its index.ts only.',
      from: { path: '^(jobs|bots|server)/|^src/[^/]+\\.ts$' },
      to: { path: `${notKernelModule}(?!index\\.ts$)` },
    },
    {
      name: 'kernel-below-modules',
      severity: 'error',
      comment: 'The kernel is what every module stands on; it never reaches up into one.',
      from: { path: `^src/${kernel}/|^src/(?:${KERNEL_FILES.join('|')})\\.ts$` },
      to: { path: notKernelModule },
    },
    ...layerRules,
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|web|clients)/' },
  },
};
