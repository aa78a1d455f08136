import { describe, expect, it } from 'vitest';
import { addressRefusal, classifyAddress, internalHostName, isListed, parseCidr } from '../../src/web/address.js';
import { vetHost, type Resolver } from '../../src/web/resolve.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fec0::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'carrier-grade'],
    ['100.127.255.255', 'carrier-grade'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:0a00:0001::1', 'private'],
    ['::127.0.0.1', 'reserved'],
    ['100::1', 'reserved'],
    ['2001::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['[::1]', 'loopback'],
  ])('GIVEN %s THEN it is refused as %s', (ip, kind) => {
    expect(classifyAddress(ip)).toContain(kind);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '169.253.255.255', '192.169.0.1', '2606:4700:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1'])(
    'GIVEN the public address %s THEN it is allowed',
    (ip) => {
      expect(classifyAddress(ip)).toBeUndefined();
    },
  );

  it('GIVEN something that is not an IP address THEN it says so', () => {
    expect(classifyAddress('example.com')).toBe('not an IP address');
    expect(classifyAddress('999.1.1.1')).toBe('not an IP address');
  });
});

describe('addressRefusal', () => {
  it('GIVEN false THEN every non-public address is refused', () => {
    expect(addressRefusal('127.0.0.1', false)).toContain('loopback');
    expect(addressRefusal('8.8.8.8', false)).toBeUndefined();
  });

  it('GIVEN true THEN every address is allowed', () => {
    expect(addressRefusal('169.254.169.254', true)).toBeUndefined();
    expect(addressRefusal('::1', true)).toBeUndefined();
  });

  it('GIVEN a list THEN just its addresses and blocks are allowed, IPv4-mapped forms included', () => {
    const list = ['127.0.0.1', '10.1.0.0/16', 'fd00::/8'];
    expect(addressRefusal('127.0.0.1', list)).toBeUndefined();
    expect(addressRefusal('::ffff:127.0.0.1', list)).toBeUndefined();
    expect(addressRefusal('127.0.0.2', list)).toContain('loopback');
    expect(addressRefusal('::1', list)).toContain('loopback');
    expect(addressRefusal('10.1.200.3', list)).toBeUndefined();
    expect(addressRefusal('10.2.0.1', list)).toContain('private');
    expect(addressRefusal('fd00::5', list)).toBeUndefined();
    expect(addressRefusal('169.254.169.254', list)).toContain('link-local');
  });

  it('GIVEN malformed list entries THEN they allow nothing', () => {
    expect(isListed('127.0.0.1', ['127.0.0.1/33', 'localhost', '127.0.0.1/8/1', ''])).toBe(false);
    expect(parseCidr('10.0.0.0/8')).toEqual({ version: 4, base: 10n << 24n, bits: 8 });
    expect(parseCidr('::ffff:10.0.0.0/104')).toBeDefined();
    expect(isListed('10.9.9.9', ['::ffff:10.0.0.0/104'])).toBe(true);
  });
});

describe('internalHostName', () => {
  it.each(['localhost', 'LOCALHOST.', 'app.localhost', 'metadata.google.internal', 'metadata.google.internal.', 'printer.local', 'router.home.arpa', 'box.lan', 'metadata', 'intranet', 'local'])('GIVEN %s THEN it is internal', (name) => {
    expect(internalHostName(name)).toBeDefined();
  });

  it.each(['example.com', 'internal.example.com', 'localhost.example.com', 'metadata.example.com'])('GIVEN %s THEN it is an ordinary name', (name) => {
    expect(internalHostName(name)).toBeUndefined();
  });
});

describe('vetHost', () => {
  const resolver = (answers: Record<string, string[]>): Resolver => async (host) => {
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

  it('GIVEN odd IPv4 spellings THEN the WHATWG URL parser and the check refuse them all', async () => {
    for (const spelling of ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/', 'http://0/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/', 'http://0xa9.0xfe.0xa9.0xfe/']) {
      const hostname = new URL(spelling).hostname;
      const vetted = await vetHost(hostname, false, resolver({}));
      expect(vetted, spelling).toHaveProperty('refused');
      expect('refused' in vetted && vetted.refused).toMatch(/^refused: /);
    }
  });

  it('GIVEN a name with one private address among public ones THEN it is refused', async () => {
    const vetted = await vetHost('mixed.example', false, resolver({ 'mixed.example': ['93.184.216.34', '10.0.0.1'] }));
    expect(vetted).toEqual({ refused: expect.stringContaining('mixed.example resolves to 10.0.0.1, a private address') });
  });

  it('GIVEN a public name THEN its first address is the one to connect to', async () => {
    expect(await vetHost('example.com', false, resolver({ 'example.com': ['93.184.216.34', '2606:2800:220:1::'] }))).toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('GIVEN a metadata host name THEN it is refused without asking DNS', async () => {
    let asked = false;
    const vetted = await vetHost('metadata.google.internal', false, async () => {
      asked = true;
      return [{ address: '169.254.169.254', family: 4 }];
    });
    expect(vetted).toEqual({ refused: expect.stringContaining('metadata.google.internal is an internal host name') });
    expect(asked).toBe(false);
  });

  it('GIVEN an internal name THEN a list allows it only if it allows every address it resolves to', async () => {
    const answers = resolver({ localhost: ['127.0.0.1', '::1'] });
    expect(await vetHost('localhost', ['127.0.0.1'], answers)).toHaveProperty('refused');
    expect(await vetHost('localhost', ['127.0.0.1', '::1'], answers)).toEqual({ address: '127.0.0.1', family: 4 });
  });

  it('GIVEN an unknown name THEN it says the host could not be found', async () => {
    expect(await vetHost('nowhere.example', false, resolver({}))).toEqual({ refused: 'the host name nowhere.example could not be found' });
  });

  it('GIVEN an IPv6 literal in brackets THEN it is checked without brackets', async () => {
    expect(await vetHost('[::1]', ['::1'], resolver({}))).toEqual({ address: '::1', family: 6 });
    expect(await vetHost('[::1]', ['127.0.0.1'], resolver({}))).toHaveProperty('refused');
  });
});
