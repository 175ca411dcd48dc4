/**
 * Whether a Playwright trace holds a secret, read from the zip itself before it is kept.
 *
 * Drivers mark an attempt when a step puts a secret into the browser (typed, navigated to,
 * captured), but a secret can reach a trace by ways no step shows: a cookie an HTTP step logged
 * in with, a page that echoes a token, a request header a script set. The trace is the one
 * artifact that keeps all of it (DOM snapshots, network headers and bodies), so the last check
 * reads every entry of the zip through the redactor's matcher (every encoding it knows).
 * A trace that cannot be read completely (zip64, an unknown compression, too large) is never
 * kept: a missing trace costs a debugging aid, a leaked secret costs a credential.
 */
import { inflateRawSync } from 'node:zlib';

/** What the scan reads at most, uncompressed: traces of one attempt are a few MiB. */
const MAX_SCANNED_BYTES = 64 * 1024 * 1024;
/** Screenshots are images of what the DOM snapshots already hold as text. */
const IMAGE = /\.(jpe?g|png|webp|gif)$/i;

export type TraceScan = { readonly holdsSecret: boolean } | { readonly unreadable: string };

export function scanZipForSecrets(zip: Buffer, holdsSecret: (text: string) => boolean): TraceScan {
  const end = findEndOfCentralDirectory(zip);
  if (end === undefined) return { unreadable: 'not a zip file' };
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) return { unreadable: 'a zip64 file' };
  let scanned = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) return { unreadable: 'a broken central directory' };
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    at = next;
    if (holdsSecret(name)) return { holdsSecret: true };
    if (IMAGE.test(name) || size === 0) continue;
    scanned += size;
    if (scanned > MAX_SCANNED_BYTES) return { unreadable: `larger than ${MAX_SCANNED_BYTES / 1024 / 1024} MiB uncompressed` };
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) return { unreadable: `a broken entry ${name}` };
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    try {
      if (method === 0) data = raw;
      else if (method === 8) data = inflateRawSync(raw, { maxOutputLength: size + 1 });
      else return { unreadable: `entry ${name} uses compression method ${method}` };
    } catch {
      return { unreadable: `entry ${name} does not inflate` };
    }
    if (holdsSecret(data.toString('utf8'))) return { holdsSecret: true };
  }
  return { holdsSecret: false };
}

/** The end-of-central-directory record: the last signature within the comment's reach. */
function findEndOfCentralDirectory(zip: Buffer): number | undefined {
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= floor; at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) return at;
  }
  return undefined;
}
