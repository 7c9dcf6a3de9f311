import { fileTypeFromBuffer } from 'file-type';

/**
 * The file types an upload may be, told from the bytes alone (the `file-type` signatures); the declared
 * Content-Type of the part and the file name's extension are never consulted. Each entry: the media type
 * `file-type` reports → the extension used in download names.
 */
export const ALLOWED_UPLOAD_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/ogg; codecs=opus': 'opus',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'text/plain; charset=utf-8': 'txt',
};

export const PLAIN_TEXT = 'text/plain; charset=utf-8';
/** What a refusal names when no signature matched and the bytes are not plain text. */
export const UNKNOWN_BINARY = 'application/octet-stream';
/** Bytes read before the type is decided: enough for every signature above (OOXML/ODF look a few entries into the zip). */
export const SNIFF_BYTES = 64 * 1024;

export const extensionOf = (mediaType: string): string => ALLOWED_UPLOAD_TYPES[mediaType] ?? 'bin';

/**
 * Plain text is accepted only as UTF-8 without NUL bytes, checked over the whole file as it streams (a
 * binary payload behind a text-looking first chunk is refused too).
 */
export class PlainTextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** False as soon as the bytes seen so far cannot be UTF-8 text. */
  push(piece: Uint8Array): boolean {
    if (piece.includes(0)) return false;
    try {
      this.decoder.decode(piece, { stream: true });
      return true;
    } catch {
      return false;
    }
  }

  /** False when the text ends inside a multi-byte sequence. */
  end(): boolean {
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}

export type Sniffed = { allowed: true; mediaType: string; text?: PlainTextCheck } | { allowed: false; mediaType: string };

/**
 * Decides the type from the first bytes of a file (`head`, at most SNIFF_BYTES; the whole file when shorter).
 * A signature match must be on the allow-list; no match is accepted only as plain text, whose check the
 * caller continues over the rest of the file (`text`).
 */
export async function sniff(head: Uint8Array): Promise<Sniffed> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return ALLOWED_UPLOAD_TYPES[detected.mime] && detected.mime !== PLAIN_TEXT ? { allowed: true, mediaType: detected.mime } : { allowed: false, mediaType: detected.mime };
  const text = new PlainTextCheck();
  return text.push(head) ? { allowed: true, mediaType: PLAIN_TEXT, text } : { allowed: false, mediaType: UNKNOWN_BINARY };
}
