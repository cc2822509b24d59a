/**
 * Module rules checked by `npm run lint`:
 * - no import cycles anywhere;
 * - src/ (the domain, reached by HTTP, chat and queues alike) never imports the processes around it:
 *   jobs/ (queue workers), bots/ (WeChat), server/ (the entry point that wires them);
 * - jobs/ and bots/ never import server/, nor each other.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles make modules impossible to load, test or split on their own.', from: {}, to: { circular: true } },
    { name: 'domain-stands-alone', severity: 'error', comment: 'src/ is used by every process; what runs it is passed in (see AppContext, AppOptions.doors).', from: { path: '^src/' }, to: { path: '^(jobs|bots|server)/' } },
    { name: 'processes-apart', severity: 'error', comment: 'The worker and the bot are separate processes; only server/ wires them together.', from: { path: '^jobs/' }, to: { path: '^(bots|server)/' } },
    { name: 'bot-apart', severity: 'error', from: { path: '^bots/' }, to: { path: '^(jobs|server)/' } },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|web|clients)/' },
  },
};
