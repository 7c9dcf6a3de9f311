import type { EventEnvelope } from '../event-store/envelope.js';
import { ImportRefusedError, type EventStore } from '../event-store/event-store.port.js';
import { EXPORT_TRAILER_FORMAT, ExportFileError, checkExportFile, parseEnvelopeLine, type CheckedFile, type LineSource } from './export-file.js';

export interface ImportOptions {
  /** Events per `importStored` call (each call is one transaction in the SQLite store). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReport {
  file: CheckedFile;
  /** Events stored by this run. */
  imported: number;
  /** Events found already stored (an earlier, interrupted or complete, run). */
  skipped: number;
}

/**
 * Imports an export file into `store`: first checks the whole file (nothing is written when it is damaged,
 * truncated or altered — ExportFileError names the line), then stores it in batches through
 * `EventStore.importStored`, which keeps every envelope as recorded and skips what is already stored. So a run
 * that was killed is simply run again, and importing twice changes nothing. A refusal by the store (the target
 * already holds other events on these streams) is reported with the line of the refused event.
 */
export async function importEventLog(store: EventStore, lines: LineSource, options: ImportOptions = {}): Promise<ImportReport> {
  const file = await checkExportFile(lines);
  const batchSize = options.batchSize ?? 500;
  let imported = 0;
  let skipped = 0;
  let batch: EventEnvelope[] = [];
  let batchFirstLine = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    try {
      const result = await store.importStored(batch);
      imported += result.imported;
      skipped += result.skipped;
    } catch (error) {
      if (error instanceof ImportRefusedError) throw new ExportFileError(batchFirstLine + error.index, `refused by the target store: ${error.problem}: event ${error.eventId} (${error.streamId} v${error.streamVersion})`);
      throw error;
    }
    batch = [];
    options.onProgress?.(imported + skipped, file.count);
  };
  let lineNo = 0;
  for await (const text of lines()) {
    lineNo += 1;
    if (lineNo === 1) continue;
    if (text.includes('"format"') && (JSON.parse(text) as { format?: unknown }).format === EXPORT_TRAILER_FORMAT) break;
    if (batch.length === 0) batchFirstLine = lineNo;
    batch.push(parseEnvelopeLine(text, lineNo));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { file, imported, skipped };
}
