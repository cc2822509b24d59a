import { fakeTencentSms } from '../test/helpers/fake-tencent-sms';
import { fakeWechat } from '../test/helpers/fake-wechat';

/**
 * The local stand-ins for WeChat's and Tencent Cloud's SMS APIs, in a process of their own for `npm run load`:
 * there they answer hundreds of sends a second, and in the process that times the replies they held its event
 * loop, so that replies were timed late. Arguments: app id, app secret, SMS secret id, SMS secret key. Prints
 * one JSON line with both addresses; stops on SIGTERM, or when the process that started it has gone.
 */
async function main(): Promise<void> {
  const [appId, appSecret, smsId, smsKey] = process.argv.slice(2);
  if (!appId || !appSecret || !smsId || !smsKey) throw new Error('usage: stand-ins.ts <app id> <app secret> <SMS secret id> <SMS secret key>');
  const wx = await fakeWechat(appId, appSecret);
  const sms = await fakeTencentSms(smsId, smsKey);
  process.stdout.write(`${JSON.stringify({ wechat: wx.url, sms: sms.url })}\n`);
  const parent = process.ppid;
  const stop = async () => {
    await Promise.allSettled([wx.close(), sms.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, 1000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
