import { useTranslation } from 'react-i18next';

const SOON_MS = 14 * 86_400_000;

/** Deadline state in words (colour is never the only signal): overdue, or due within two weeks. */
export function DueBadge({ dueAt, overdue }: { dueAt: string | null | undefined; overdue: boolean }) {
  const { t } = useTranslation('cases');
  if (!dueAt) return null;
  if (overdue || Date.parse(dueAt) < Date.now()) return <span className="badge badge-danger">{t('badge.overdue')}</span>;
  if (Date.parse(dueAt) - Date.now() < SOON_MS) return <span className="badge badge-warn">{t('badge.dueSoon')}</span>;
  return null;
}
