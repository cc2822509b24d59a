import { runChaos } from '../../scripts/chaos-push';

/**
 * The fault suite (`npm run chaos:push`) at a small size: one broadcast per fault through the stand-in of
 * WeChat's API, the API and a queue worker in their own processes. Every fault must leave nobody with
 * the message twice, nobody marked sent who never got it, and every delivery settled.
 */
describe('deliveries hold under faults', () => {
  it('slow provider, 5xx after accepting, worker SIGKILL, Redis wiped, PostgreSQL cut: never twice, never falsely sent, all settled', async () => {
    const lines: string[] = [];
    const result = await runChaos({ people: 80, sendsPerSecond: 30, providerTimeoutMs: 800, settleMinutes: 0.25, log: (l) => lines.push(l) });
    // What the processes said is shown only when a fault left something behind, to tell why.
    if (!result.met) process.stderr.write(`${lines.join('\n')}\n`);
    expect(result.faults.map((f) => f.fault)).toEqual([
      'provider slower than the client timeout',
      'provider 5xx after accepting',
      'worker SIGKILL mid-send',
      'Redis restarted with its data wiped',
      'PostgreSQL connection cut',
    ]);
    for (const f of result.faults) {
      expect({ fault: f.fault, receivedTwice: f.receivedTwice, neverReceivedButMarkedSent: f.neverReceivedButMarkedSent, unsettled: f.unsettled }).toEqual({ fault: f.fault, receivedTwice: 0, neverReceivedButMarkedSent: 0, unsettled: 0 });
      expect(f.sent + f.failed + f.skipped).toBe(f.audience);
      expect(f.settledSecondsAfterFault).not.toBeNull();
    }
    // The provider faults really put messages in doubt (a suite that never hit one would prove nothing).
    expect(result.faults[0]!.wereInDoubt).toBeGreaterThan(0);
    expect(result.faults[1]!.wereInDoubt).toBeGreaterThan(0);
    expect(result.met).toBe(true);
  }, 900_000);
});
