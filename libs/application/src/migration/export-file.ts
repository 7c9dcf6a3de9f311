import { createHash, type Hash } from 'node:crypto';
import { GENESIS_HASH, canonicalJson, computeEventHash, type EventEnvelope } from '../event-store/envelope.js';
import { START_POSITION, type EventStore } from '../event-store/event-store.port.js';

/**
 * The migration file (docs/migration.md): NDJSON, one line per JSON value, each line ending in '\n'.
 *   line 1        header  {format: 'casetrail-export', version: 1, source, exportedAt, count}
 *   lines 2…n+1   one stored envelope per line (RFC 8785 canonical JSON, without the store's position), in global order
 *   line n+2      trailer {format: 'casetrail-export-end', count, sha256}
 * sha256 is taken over every line before the trailer, newlines included, so a truncated or edited file is
 * detected even where every event's own hash still recomputes. The key vault is not in the file.
 */
export const EXPORT_FORMAT = 'casetrail-export';
export const EXPORT_TRAILER_FORMAT = 'casetrail-export-end';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** Which store the events came from (a description, never personal data). */
  source: string;
  exportedAt: string;
  /** Events in the file. */
  count: number;
}

export interface ExportTrailer {
  format: typeof EXPORT_TRAILER_FORMAT;
  count: number;
  /** Hex SHA-256 over every line before the trailer, each with its '\n'. */
  sha256: string;
}

/** What is wrong with an export file, and on which line (1 = the header). */
export class ExportFileError extends Error {
  readonly code = 'MIGRATION.BAD_FILE';
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'ExportFileError';
  }
}

const ENVELOPE_STRINGS = ['eventId', 'streamId', 'type', 'occurredAt', 'recordedAt', 'correlationId', 'causationId', 'prevHash', 'hash'] as const;

/** The envelope a line holds, with exactly the envelope's fields; throws ExportFileError when it is not one. */
export function parseEnvelopeLine(text: string, line: number): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExportFileError(line, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ExportFileError(line, 'not an event envelope');
  const v = value as Record<string, unknown>;
  if ((v as { format?: unknown }).format !== undefined) throw new ExportFileError(line, `unexpected ${String(v.format)} line`);
  for (const key of ENVELOPE_STRINGS) if (typeof v[key] !== 'string') throw new ExportFileError(line, `field ${key} missing or not a string`);
  if (!Number.isInteger(v.streamVersion) || (v.streamVersion as number) < 1) throw new ExportFileError(line, 'field streamVersion is not a whole number ≥ 1');
  if (!Number.isInteger(v.schemaVersion)) throw new ExportFileError(line, 'field schemaVersion is not a whole number');
  if (typeof v.actor !== 'object' || v.actor === null) throw new ExportFileError(line, 'field actor missing');
  if (!Array.isArray(v.piiSubjects) || v.piiSubjects.some((s) => typeof s !== 'string')) throw new ExportFileError(line, 'field piiSubjects is not a list of strings');
  if (typeof v.data !== 'object' || v.data === null || Array.isArray(v.data)) throw new ExportFileError(line, 'field data is not an object');
  return {
    eventId: v.eventId as string,
    streamId: v.streamId as string,
    streamVersion: v.streamVersion as number,
    type: v.type as string,
    schemaVersion: v.schemaVersion as number,
    occurredAt: v.occurredAt as string,
    recordedAt: v.recordedAt as string,
    actor: v.actor as EventEnvelope['actor'],
    correlationId: v.correlationId as string,
    causationId: v.causationId as string,
    piiSubjects: v.piiSubjects as string[],
    prevHash: v.prevHash as string,
    hash: v.hash as string,
    data: v.data as Record<string, unknown>,
  };
}

export interface ExportOptions {
  source: string;
  exportedAt: string;
  pageSize?: number;
  onProgress?: (written: number, total: number) => void;
}

export interface ExportSummary {
  count: number;
  sha256: string;
}

/**
 * Writes the store's global log as an export file through `write` (one call per line, '\n' included).
 * The log is taken as it stood when the export began: the first `count` events (a log only grows at its end),
 * so appends made meanwhile are left for a later export.
 */
export async function exportEventLog(store: EventStore, write: (line: string) => void | Promise<void>, options: ExportOptions): Promise<ExportSummary> {
  const count = await store.countAfter(START_POSITION);
  const digest = createHash('sha256');
  const emit = async (text: string) => {
    const line = `${text}\n`;
    digest.update(line);
    await write(line);
  };
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, source: options.source, exportedAt: options.exportedAt, count };
  await emit(canonicalJson(header));
  let written = 0;
  let from = START_POSITION;
  while (written < count) {
    const page = await store.readAll(from, Math.min(options.pageSize ?? 1000, count - written));
    if (page.events.length === 0) throw new Error(`the log ended after ${written} of ${count} events: was it truncated during the export?`);
    for (const { position: _position, ...envelope } of page.events) await emit(canonicalJson(envelope));
    written += page.events.length;
    from = page.next;
    options.onProgress?.(written, count);
  }
  const trailer: ExportTrailer = { format: EXPORT_TRAILER_FORMAT, count, sha256: digest.digest('hex') };
  await write(`${canonicalJson(trailer)}\n`);
  return { count, sha256: trailer.sha256 };
}

/** A source of the file's lines, opened afresh for each pass (import reads the file twice). */
export type LineSource = () => AsyncIterable<string>;

export interface CheckedFile {
  header: ExportHeader;
  count: number;
  streams: number;
}

function parseControl(text: string, line: number): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ExportFileError(line, 'not JSON');
}

/**
 * Reads the whole file and checks it without touching a store: header, every event's hash, every stream's
 * chain (versions 1, 2, 3 … and prevHash links), the trailer's count and SHA-256. The first problem is
 * thrown as ExportFileError naming its line.
 */
export async function checkExportFile(lines: LineSource): Promise<CheckedFile> {
  const digest: Hash = createHash('sha256');
  const heads = new Map<string, { version: number; hash: string }>();
  let header: ExportHeader | undefined;
  let trailer: { line: number; value: Record<string, unknown> } | undefined;
  let lineNo = 0;
  let count = 0;
  for await (const text of lines()) {
    lineNo += 1;
    if (trailer) throw new ExportFileError(lineNo, 'data after the trailer');
    if (lineNo === 1) {
      const h = parseControl(text, 1);
      if (h.format !== EXPORT_FORMAT) throw new ExportFileError(1, `not a casetrail export (format ${String(h.format)})`);
      if (h.version !== EXPORT_VERSION) throw new ExportFileError(1, `export version ${String(h.version)} is not supported (this build reads ${EXPORT_VERSION})`);
      header = h as unknown as ExportHeader;
      digest.update(`${text}\n`);
      continue;
    }
    if (text.includes('"format"') && parseControl(text, lineNo).format === EXPORT_TRAILER_FORMAT) {
      trailer = { line: lineNo, value: parseControl(text, lineNo) };
      continue;
    }
    const event = parseEnvelopeLine(text, lineNo);
    const head = heads.get(event.streamId);
    const at = `event ${event.eventId} (${event.streamId} v${event.streamVersion})`;
    if (event.streamVersion !== (head?.version ?? 0) + 1) throw new ExportFileError(lineNo, `version_gap: ${at}, expected v${(head?.version ?? 0) + 1}`);
    if (event.prevHash !== (head?.hash ?? GENESIS_HASH)) throw new ExportFileError(lineNo, `prev_hash_mismatch: ${at}`);
    if (computeEventHash(event) !== event.hash) throw new ExportFileError(lineNo, `hash_mismatch: ${at}`);
    heads.set(event.streamId, { version: event.streamVersion, hash: event.hash });
    digest.update(`${text}\n`);
    count += 1;
  }
  if (!header) throw new ExportFileError(1, 'empty file');
  if (!trailer) throw new ExportFileError(lineNo + 1, `truncated: no trailer after ${count} events`);
  const { value, line } = trailer;
  if (value.count !== count) throw new ExportFileError(line, `trailer counts ${String(value.count)} events, the file holds ${count}`);
  if (header.count !== undefined && header.count !== count) throw new ExportFileError(1, `header counts ${String(header.count)} events, the file holds ${count}`);
  if (value.sha256 !== digest.digest('hex')) throw new ExportFileError(line, 'sha256 of the lines does not match the trailer: the file was altered');
  return { header, count, streams: heads.size };
}
