import { isIP } from 'node:net';

// Which addresses a workflow's HTTP request may reach. Everything here is pure: the guarded fetch
// resolves names and asks `refusalReason` about every address before it connects.

interface Range {
  bytes: Uint8Array;
  prefix: number;
  reason: string;
  /**
   * Where an IPv4 address is embedded (byte offset): the verdict is then the embedded address's,
   * so `::ffff:127.0.0.1` is loopback and the NAT64 form of a public address is public.
   */
  embedsIPv4At?: number;
}

// First match wins: the more specific ranges come before the ranges that contain them.
const IPV4_RANGES: readonly Range[] = [
  range('0.0.0.0/8', 'unspecified ("this network")'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared (carrier-grade NAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignment'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', 'reserved (6to4 relay)'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('255.255.255.255/32', 'broadcast'),
  range('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('::ffff:0:0/96', 'IPv4-mapped', 12),
  range('::/96', 'IPv4-compatible (deprecated)'),
  range('64:ff9b::/96', 'NAT64', 12),
  range('64:ff9b:1::/48', 'NAT64 local-use'),
  range('100::/64', 'discard-only'),
  range('2001:db8::/32', 'documentation'),
  range('2001::/32', 'Teredo tunnelling'),
  range('2002::/16', '6to4', 2),
  range('3fff::/20', 'documentation'),
  range('fc00::/7', 'unique-local'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local (deprecated)'),
  range('ff00::/8', 'multicast'),
];

/**
 * Why a workflow may not connect to `address` (an IPv4 or IPv6 literal, brackets and zone
 * allowed), e.g. `"loopback"` or `"IPv4-mapped private"`; null when it is a public address.
 * Anything that does not parse as an address is refused too.
 */
export function refusalReason(address: string): string | null {
  const bytes = parseAddress(address);
  if (bytes === null) return 'unparsable';
  return classify(bytes);
}

function classify(bytes: Uint8Array): string | null {
  for (const range of bytes.length === 4 ? IPV4_RANGES : IPV6_RANGES) {
    if (!matches(bytes, range)) continue;
    if (range.embedsIPv4At === undefined) return range.reason;
    const embedded = classify(bytes.slice(range.embedsIPv4At, range.embedsIPv4At + 4));
    return embedded === null ? null : `${range.reason} ${embedded}`;
  }
  return null;
}

function matches(bytes: Uint8Array, range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (range.bytes[i]! & mask)) return false;
  }
  return true;
}

/** Bytes of an IPv4 (4) or IPv6 (16) literal, or null. */
export function parseAddress(text: string): Uint8Array | null {
  let address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  switch (isIP(address)) {
    case 4:
      return parseIPv4(address);
    case 6:
      return parseIPv6(address);
    default:
      return null;
  }
}

/** Dotted decimal only: other forms reach here already normalised by the URL parser or DNS. */
function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return Uint8Array.from(parts, Number);
}

function parseIPv6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined): number[] | null => {
    if (half === undefined || half === '') return [];
    const out: number[] = [];
    for (const group of half.split(':')) {
      if (group.includes('.')) {
        const v4 = parseIPv4(group);
        if (v4 === null) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(group)) {
        out.push(Number.parseInt(group, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

function range(cidr: string, reason: string, embedsIPv4At?: number): Range {
  const [address, prefix] = cidr.split('/');
  const bytes = parseAddress(address!);
  if (bytes === null) throw new Error(`bad range ${cidr}`);
  return { bytes, prefix: Number(prefix), reason, ...(embedsIPv4At === undefined ? {} : { embedsIPv4At }) };
}

