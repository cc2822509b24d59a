import { addressGroup } from '../../src/access/address-group';

describe('the address group a sign-in is counted in', () => {
  it('counts every IPv6 address of one /64 as one, however it is written', () => {
    const group = '2001:db8:0:1::/64';
    for (const ip of ['2001:db8:0:1::1', '2001:db8:0:1::2', '2001:DB8:0:1:ffff:ffff:ffff:ffff', '2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1:a:b:c:d', '2001:db8:0:1::192.0.2.1', '2001:db8:0:1::1%eth0']) {
      expect(addressGroup(ip)).toBe(group);
    }
  });

  it('keeps neighbouring /64s apart', () => {
    expect(addressGroup('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('1:2:3:4:5:6:7::')).toBe('1:2:3:4::/64');
  });

  it('counts an IPv4 address alone, also when it comes IPv4-mapped', () => {
    expect(addressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::FFFF:c000:0207')).toBe('192.0.2.7');
    expect(addressGroup('192.0.2.8')).not.toBe(addressGroup('192.0.2.7'));
  });

  it('counts what is not an address under its own text', () => {
    expect(addressGroup(undefined)).toBe('unknown');
    expect(addressGroup('')).toBe('unknown');
    expect(addressGroup('not-an-address')).toBe('not-an-address');
  });
});
