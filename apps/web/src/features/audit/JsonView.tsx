import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';

/** A sealed personal-data field as the history shows it ({sealed, kid}), or as stored (ciphertext with its key id). */
function sealedKind(value: Record<string, unknown>): 'sealed' | 'erased' | 'cipher' | undefined {
  if (value.erased === true) return 'erased';
  if (value.sealed === true) return 'sealed';
  if (typeof value.ct === 'string' && typeof value.kid === 'string') return 'cipher';
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON value as nested facts. Sealed fields stay sealed: a badge and the key id, never the ciphertext;
 * an erased field (its subject's key shredded) says so.
 */
export function JsonView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  const { t } = useTranslation('audit');
  if (value === null || value === undefined) return <span className="muted">{t('common:state.none')}</span>;
  if (typeof value === 'string') return <span className="audit-value">{value === '' ? '""' : value}</span>;
  if (typeof value === 'number' || typeof value === 'boolean') return <code>{String(value)}</code>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <code>[]</code>;
    return (
      <ol className="audit-list" start={0}>
        {value.map((item, index) => (
          <li key={index}>
            <JsonView value={item} depth={depth + 1} />
          </li>
        ))}
      </ol>
    );
  }
  if (isRecord(value)) {
    const sealed = sealedKind(value);
    if (sealed) {
      const kid = typeof value.kid === 'string' ? value.kid : undefined;
      return (
        <span>
          <span className={`badge ${sealed === 'erased' ? 'badge-warn' : ''}`}>{t(`sealed.${sealed}`)}</span>
          {kid ? <span className="small muted"> {t('sealed.kid', { kid })}</span> : null}
        </span>
      );
    }
    const entries = Object.entries(value);
    if (entries.length === 0) return <code>{'{}'}</code>;
    if (depth > 6) return <code>{JSON.stringify(value)}</code>;
    return (
      <dl className="facts audit-facts">
        {entries.map(([key, item]) => (
          <Fragment key={key}>
            <dt>
              <code>{key}</code>
            </dt>
            <dd>
              <JsonView value={item} depth={depth + 1} />
            </dd>
          </Fragment>
        ))}
      </dl>
    );
  }
  return <code>{String(value)}</code>;
}
