import { useTranslation } from 'react-i18next';
import type { TipItem } from './api.js';

/** A tip's status as text in a badge (the colour repeats what the words say). */
export function StatusBadge({ status }: { status: TipItem['status'] }) {
  const { t } = useTranslation('intake');
  const kind = status === 'received' ? 'badge-warn' : status === 'screening' ? '' : status === 'accepted' || status === 'merged' ? 'badge-ok' : '';
  return <span className={`badge ${kind}`}>{t(`status.${status}`)}</span>;
}
