import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanZipForSecrets } from './trace-scan.js';

interface Entry {
  readonly name: string;
  readonly data: string | Buffer;
  readonly method?: 0 | 8 | 12;
}

/** A minimal zip writer (local headers, central directory, end record), as yazl writes them. */
function zip(entries: readonly Entry[], comment = ''): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const raw = Buffer.from(entry.data);
    const method = entry.method ?? 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...locals, directory, end, Buffer.from(comment)]);
}

const holds = (text: string): boolean => text.includes('s3cr3t-value');

describe('scanZipForSecrets', () => {
  it('finds a secret in a deflated or a stored entry, past entries without one', () => {
    const network = JSON.stringify({ request: { headers: [{ name: 'cookie', value: 'sid=s3cr3t-value' }] } });
    expect(scanZipForSecrets(zip([{ name: 'trace.trace', data: '{"type":"before"}' }, { name: 'trace.network', data: network }]), holds)).toEqual({ holdsSecret: true });
    expect(scanZipForSecrets(zip([{ name: 'resources/abc.html', data: '<p>s3cr3t-value</p>', method: 0 }]), holds)).toEqual({ holdsSecret: true });
    expect(scanZipForSecrets(zip([{ name: 'trace.trace', data: '{"type":"before"}' }], 'a comment'), holds)).toEqual({ holdsSecret: false });
  });

  it('finds a secret in an entry name; skips screenshots (their text is in the snapshots)', () => {
    expect(scanZipForSecrets(zip([{ name: 'resources/s3cr3t-value.txt', data: '' }]), holds)).toEqual({ holdsSecret: true });
    expect(scanZipForSecrets(zip([{ name: 'resources/page@1.jpeg', data: 'jpeg s3cr3t-value' }]), holds)).toEqual({ holdsSecret: false });
  });

  it('a zip it cannot read completely is unreadable (the trace is then not kept), never "no secret"', () => {
    expect(scanZipForSecrets(Buffer.from('not a zip at all'), holds)).toEqual({ unreadable: 'not a zip file' });
    expect(scanZipForSecrets(Buffer.alloc(0), holds)).toEqual({ unreadable: 'not a zip file' });
    expect(scanZipForSecrets(zip([{ name: 'trace.trace', data: 'x', method: 12 }]), holds)).toEqual({ unreadable: 'entry trace.trace uses compression method 12' });
    const truncated = zip([{ name: 'trace.trace', data: 'x'.repeat(1000) }]);
    truncated.writeUInt32LE(5, truncated.length - 22 + 16);
    expect(scanZipForSecrets(truncated, holds)).toEqual({ unreadable: 'a broken central directory' });
  });
});
