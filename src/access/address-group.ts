import { isIP } from 'node:net';

/**
 * The group a client address is counted in by the sign-in throttle. One IPv6 host is usually given a
 * whole /64 (2^64 addresses), so counting each address alone would let one machine try from a fresh
 * address every time; an IPv6 address is counted by its /64. An IPv4 address is counted alone, also
 * when it comes IPv4-mapped (`::ffff:192.0.2.1`, as a dual-stack socket reports it). Whatever is not
 * an address (no address at all, a mangled forwarded header) is counted under its own text.
 */
export function addressGroup(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  // A zone (fe80::1%eth0) names the local interface, not another host.
  const address = ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip;
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return ip;
  const h = hextets(address);
  const mapped = h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff;
  if (mapped) return [h[6]! >> 8, h[6]! & 0xff, h[7]! >> 8, h[7]! & 0xff].join('.');
  return `${h.slice(0, 4).map((x) => x.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address that isIP has already accepted. */
function hextets(address: string): number[] {
  let text = address.toLowerCase();
  // A dotted IPv4 tail (::ffff:192.0.2.1, 64:ff9b::192.0.2.1) is the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const gap = text.indexOf('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const groups = gap < 0 ? parts(text) : [...parts(text.slice(0, gap)), ...Array<string>(8 - parts(text.slice(0, gap)).length - parts(text.slice(gap + 2)).length).fill('0'), ...parts(text.slice(gap + 2))];
  return groups.map((g) => parseInt(g, 16));
}
