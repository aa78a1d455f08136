import net from 'node:net';

/** Which non-public addresses may be fetched: none (false), all (true), or those listed (addresses or CIDR blocks). */
export type AddressPolicy = boolean | readonly string[];

interface Block {
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly bits: number;
}

/** Non-public ranges and what to call them. Everything else is a public address. */
const V4_RANGES: readonly (readonly [string, string])[] = [
  ['0.0.0.0/8', 'an unspecified ("this network") address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address (where cloud metadata services live)'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'a reserved address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.88.99.0/24', 'a reserved address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved address'],
];

const V6_RANGES: readonly (readonly [string, string])[] = [
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  ['64:ff9b:1::/48', 'a private address'],
  ['100::/64', 'a reserved address'],
  ['2001::/23', 'a reserved address'],
  ['2001:db8::/32', 'a documentation address'],
  ['3fff::/20', 'a documentation address'],
  ['fc00::/7', 'a private (unique local) address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a private (site-local) address'],
  ['ff00::/8', 'a multicast address'],
];

/** IPv6 forms that carry an IPv4 address, judged by that address: mapped, NAT64 (RFC 6052), 6to4. */
const V4_CARRIERS: readonly { block: Block; shift: bigint }[] = [
  { block: parseCidr('::ffff:0:0/96')!, shift: 0n },
  { block: parseCidr('64:ff9b::/96')!, shift: 0n },
  { block: parseCidr('2002::/16')!, shift: 80n },
];

const GLOBAL_UNICAST_V6 = parseCidr('2000::/3')!;
const v4Blocks = V4_RANGES.map(([cidr, kind]) => ({ block: parseCidr(cidr)!, kind }));
const v6Blocks = V6_RANGES.map(([cidr, kind]) => ({ block: parseCidr(cidr)!, kind }));

/**
 * What kind of non-public address `ip` is ("a loopback address"), or undefined for a public one.
 * An IPv6 address carrying an IPv4 one (`::ffff:127.0.0.1`) is judged by the IPv4 address; any
 * IPv6 address outside global unicast (2000::/3) is reserved. Not an IP address: "not an IP address".
 */
export function classifyAddress(ip: string): string | undefined {
  const parsed = parseIp(ip);
  if (!parsed) return 'not an IP address';
  const { version, value } = unwrapV4(parsed);
  if (version === 4) return v4Blocks.find(({ block }) => contains(block, 4, value))?.kind;
  const known = v6Blocks.find(({ block }) => contains(block, 6, value))?.kind;
  if (known) return known;
  return contains(GLOBAL_UNICAST_V6, 6, value) ? undefined : 'a reserved address';
}

/** Why `ip` may not be fetched under `policy`, or undefined when it may. */
export function addressRefusal(ip: string, policy: AddressPolicy): string | undefined {
  const kind = classifyAddress(ip);
  if (kind === undefined || policy === true) return undefined;
  if (policy !== false && isListed(ip, policy)) return undefined;
  return kind;
}

/** True when `ip` is one of the addresses or inside one of the CIDR blocks of `list`. */
export function isListed(ip: string, list: readonly string[]): boolean {
  const parsed = parseIp(ip);
  if (!parsed) return false;
  const { version, value } = unwrapV4(parsed);
  return list.some((entry) => {
    const block = parseCidr(entry.trim());
    if (!block) return false;
    const target = unwrapBlock(block);
    return contains(target, version, value);
  });
}

/**
 * Host names that only mean something inside a network (`localhost`, `metadata.google.internal`,
 * `printer.local`, `router.home.arpa`, `metadata`): refused by name, whatever they resolve to, unless the
 * policy allows every address they resolve to. Returns what kind of name it is, or undefined.
 */
export function internalHostName(hostname: string): string | undefined {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'a loopback host name';
  if (/\.(internal|local|localdomain|intranet|lan|home\.arpa)$/.test(name)) return 'an internal host name';
  // A name without a dot is completed by the local resolver's search domains (GCE's `metadata`).
  if (!name.includes('.')) return 'a single-label (internal) host name';
  return undefined;
}

/** An address (`10.0.0.1`, `::1`) or CIDR block (`10.0.0.0/8`, `fc00::/7`), or undefined if malformed. */
export function parseCidr(text: string): Block | undefined {
  const [address, prefix, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const parsed = parseIp(address);
  if (!parsed) return undefined;
  const max = parsed.version === 4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return undefined;
  const mask = maskOf(bits, max);
  return { version: parsed.version, base: parsed.value & mask, bits };
}

function contains(block: Block, version: 4 | 6, value: bigint): boolean {
  if (block.version !== version) return false;
  const mask = maskOf(block.bits, version === 4 ? 32 : 128);
  return (value & mask) === block.base;
}

function maskOf(bits: number, max: number): bigint {
  const all = (1n << BigInt(max)) - 1n;
  return all ^ ((1n << BigInt(max - bits)) - 1n);
}

function unwrapV4(ip: { version: 4 | 6; value: bigint }): { version: 4 | 6; value: bigint } {
  if (ip.version === 6) {
    for (const { block, shift } of V4_CARRIERS) {
      if (contains(block, 6, ip.value)) return { version: 4, value: (ip.value >> shift) & 0xffffffffn };
    }
  }
  return ip;
}

/** A listed `::ffff:10.0.0.0/104` means the IPv4 block `10.0.0.0/8`. */
function unwrapBlock(block: Block): Block {
  const mapped = V4_CARRIERS[0]!.block;
  if (block.version === 6 && block.bits >= 96 && contains(mapped, 6, block.base)) {
    return { version: 4, base: block.base & 0xffffffffn, bits: block.bits - 96 };
  }
  return block;
}

/** A textual IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is ignored) as a number. */
function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const ip = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const version = net.isIP(ip);
  if (version === 4) return { version: 4, value: v4Value(ip) };
  if (version !== 6) return undefined;
  let groups = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  if (dotted) {
    const v4 = v4Value(dotted[1]!);
    groups = `${groups.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = groups.split('::') as [string, string | undefined];
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill('0');
  const parts = [...headParts, ...zeros, ...tailParts];
  return { version: 6, value: parts.reduce((sum, part) => (sum << 16n) | BigInt(parseInt(part, 16)), 0n) };
}

function v4Value(ip: string): bigint {
  return ip.split('.').reduce((sum, part) => (sum << 8n) | BigInt(Number(part)), 0n);
}
