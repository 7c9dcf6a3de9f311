import { open, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * The "no plaintext at rest" scanner: looks for known marker strings in the raw bytes of every file under
 * a directory — SQLite databases with their -wal and -shm files (so pages not yet checkpointed count, and so
 * do freed pages), evidence files, logs, JSON — whatever their name or type. A marker is searched as:
 *
 * - `utf8` and `utf16le` (SQLite's and Node's text encodings);
 * - `utf8-ci` / `utf16le-ci`: case-insensitively, for markers that are ASCII (reported only when the exact
 *   form was not found);
 * - `json-escaped`: with every non-ASCII character written as a JSON \uXXXX escape (either hex case);
 * - `base64` / `base64url`: the part of its base64 encoding that does not depend on the bytes around it, at
 *   each of the three byte alignments (markers of at least 9 bytes).
 *
 * Files are read in chunks that overlap by the longest needle, so a marker across a chunk border is found.
 */
export type PlaintextEncoding = 'utf8' | 'utf16le' | 'utf8-ci' | 'utf16le-ci' | 'json-escaped' | 'base64' | 'base64url';

export interface PlaintextHit {
  /** Path relative to the scanned directory. */
  file: string;
  marker: string;
  encoding: PlaintextEncoding;
}

interface Needle {
  marker: string;
  encoding: PlaintextEncoding;
  bytes: Buffer;
  /** Compare against the ASCII-lowercased chunk. */
  caseInsensitive: boolean;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

function isAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** The base64 characters of `marker` that are the same wherever it sits in a longer byte string. */
function base64Forms(marker: Buffer): string[] {
  const forms = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), marker]).toString('base64');
    const stable = encoded.slice(offset > 0 ? 4 : 0, 4 * Math.floor((offset + marker.length) / 3));
    if (stable.length >= 8) forms.add(stable);
  }
  return [...forms];
}

function lowerAscii(chunk: Buffer): Buffer {
  const lowered = Buffer.from(chunk);
  for (let i = 0; i < lowered.length; i++) {
    const byte = lowered[i]!;
    if (byte >= 0x41 && byte <= 0x5a) lowered[i] = byte + 0x20;
  }
  return lowered;
}

function needlesFor(markers: readonly string[]): Needle[] {
  const needles: Needle[] = [];
  for (const marker of markers) {
    if (marker.length < 4) throw new Error(`marker "${marker}" is too short to mean anything in binary files (use at least 4 characters)`);
    const utf8 = Buffer.from(marker, 'utf8');
    needles.push({ marker, encoding: 'utf8', bytes: utf8, caseInsensitive: false });
    needles.push({ marker, encoding: 'utf16le', bytes: Buffer.from(marker, 'utf16le'), caseInsensitive: false });
    if (isAscii(marker)) {
      needles.push({ marker, encoding: 'utf8-ci', bytes: Buffer.from(marker.toLowerCase(), 'utf8'), caseInsensitive: true });
      needles.push({ marker, encoding: 'utf16le-ci', bytes: Buffer.from(marker.toLowerCase(), 'utf16le'), caseInsensitive: true });
    } else {
      for (const hex of ['lower', 'upper'] as const) {
        const escaped = [...marker].map((c) => {
          const code = c.codePointAt(0)!;
          if (code < 0x80) return c;
          const units = code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code];
          return units.map((u) => `\\u${hex === 'lower' ? u.toString(16).padStart(4, '0') : u.toString(16).toUpperCase().padStart(4, '0')}`).join('');
        });
        needles.push({ marker, encoding: 'json-escaped', bytes: Buffer.from(escaped.join(''), 'utf8'), caseInsensitive: false });
      }
    }
    for (const form of base64Forms(utf8)) {
      needles.push({ marker, encoding: 'base64', bytes: Buffer.from(form, 'ascii'), caseInsensitive: false });
      const url = form.replace(/\+/g, '-').replace(/\//g, '_');
      if (url !== form) needles.push({ marker, encoding: 'base64url', bytes: Buffer.from(url, 'ascii'), caseInsensitive: false });
    }
  }
  return needles;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

async function scanFile(path: string, needles: readonly Needle[], found: Set<string>, report: (needle: Needle) => void): Promise<void> {
  const overlap = Math.max(...needles.map((n) => n.bytes.length)) - 1;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    // A running app may remove a file (a rollback journal, a temporary file) between listing and reading.
    if ((error as { code?: string }).code === 'ENOENT') return;
    throw error;
  }
  try {
    let carry = Buffer.alloc(0);
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const chunk = Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
      let lowered: Buffer | undefined;
      for (const needle of needles) {
        const key = `${needle.marker}\u0000${needle.encoding}`;
        if (found.has(key)) continue;
        const haystack = needle.caseInsensitive ? (lowered ??= lowerAscii(chunk)) : chunk;
        if (haystack.includes(needle.bytes)) {
          found.add(key);
          report(needle);
        }
      }
      carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - overlap)));
    }
  } finally {
    await handle.close();
  }
}

/**
 * Every (file, marker, encoding) under `dataDir` where a marker is readable without a key. A marker found
 * exactly is not reported again as its case-insensitive form in the same file.
 */
export async function scanForPlaintext(dataDir: string, markers: string[]): Promise<PlaintextHit[]> {
  const needles = needlesFor(markers);
  const hits: PlaintextHit[] = [];
  for await (const path of filesUnder(dataDir)) {
    const found = new Set<string>();
    const fileHits: PlaintextHit[] = [];
    await scanFile(path, needles, found, (needle) => fileHits.push({ file: relative(dataDir, path), marker: needle.marker, encoding: needle.encoding }));
    for (const hit of fileHits) {
      const exact = hit.encoding === 'utf8-ci' ? 'utf8' : hit.encoding === 'utf16le-ci' ? 'utf16le' : undefined;
      if (exact && fileHits.some((h) => h.marker === hit.marker && h.encoding === exact)) continue;
      hits.push(hit);
    }
  }
  return hits;
}
