import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { TIP_CHANNELS, TIP_STATUSES } from '#domain';
import { api, query } from '../../shared/api.js';
import { ListResults, MoreButton, useCursorList, useUrlFilters } from '../../shared/lists.js';
import { ErrorMessage, Page, SelectField, TextField, categoryOptions, provinceOptions, useFormat } from '../../shared/ui.js';
import { useAuth } from '../../staff/auth.js';
import { OPEN_STATUSES, SCREENING_ATTENTION_DAYS, ageInDays, isOpen, tipKeys, type Page as TipPage, type TipItem } from './api.js';
import { useOpenCase } from './open-case.js';
import { StatusBadge } from './status-badge.js';

const SORTS = ['receivedAt', '-receivedAt', 'tipNo', '-tipNo', '-lastEventAt', 'lastEventAt'] as const;
const FILTERS = ['status', 'channel', 'province', 'category', 'anonymity', 'awaitingReply', 'receivedFrom', 'receivedBefore', 'sort'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE_SIZE = 25;

/** A calendar day (YYYY-MM-DD) as the UTC instant its day starts in Bangkok; `plusDays` for exclusive ends. */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  return new Date(Date.parse(`${day}T00:00:00+07:00`) + plusDays * 86_400_000).toISOString().replace('.000Z', 'Z');
}

/** The tip screening queue: filters (kept in the URL: codes and dates only), "load more", several tips → one case. */
export function Queue() {
  const { t } = useTranslation('intake');
  const { language, code, province, category, date, number } = useFormat();
  const { hasRole } = useAuth();
  const { filters, setFilter, clear } = useUrlFilters(Object.fromEntries(FILTERS.map((name) => [name, ''])) as Record<Filter, string>);
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const openCase = useOpenCase();

  const status = filters.status === '' ? 'open' : filters.status;
  const apiParams = {
    status: status === 'open' ? OPEN_STATUSES.join(',') : status === 'all' ? undefined : status,
    channel: filters.channel,
    province: filters.province,
    category: filters.category,
    anonymity: filters.anonymity,
    awaitingReply: filters.awaitingReply,
    receivedFrom: dayStart(filters.receivedFrom),
    receivedBefore: dayStart(filters.receivedBefore, 1),
    sort: filters.sort || undefined,
  };

  const { list: tips, items: rows } = useCursorList(tipKeys.queue(apiParams), (after, { signal }) => api<TipPage<TipItem>>(`/tips${query({ ...apiParams, limit: PAGE_SIZE, after })}`, { signal }));

  const toggle = (tip: TipItem, on: boolean) => {
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(tip.id, tip.tipNo);
      else next.delete(tip.id);
      return next;
    });
  };

  const canOpenCase = hasRole('intake_officer', 'supervisor');
  const anyOption = t('queue.any');

  return (
    <Page
      title={t('queue.title')}
      actions={
        hasRole('intake_officer') ? (
          <Link className="button" to="new">
            {t('queue.register')}
          </Link>
        ) : null
      }
    >
      <form className="card" onSubmit={(event) => event.preventDefault()} aria-labelledby="intake-filters">
        <h2 id="intake-filters" className="intake-filters-title">
          {t('queue.filters')}
        </h2>
        <div className="row">
          <SelectField
            label={t('queue.status')}
            name="status"
            value={status}
            onChange={(e) => setFilter('status', e.target.value === 'open' ? '' : e.target.value)}
            options={[{ value: 'open', label: t('queue.statusOpen') }, { value: 'all', label: t('queue.statusAll') }, ...TIP_STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))]}
          />
          <SelectField label={t('queue.channel')} name="channel" placeholder={anyOption} value={filters.channel} onChange={(e) => setFilter('channel', e.target.value)} options={TIP_CHANNELS.map((value) => ({ value, label: code('channel', value) }))} />
          <SelectField label={t('queue.province')} name="province" placeholder={anyOption} value={filters.province} onChange={(e) => setFilter('province', e.target.value)} options={provinceOptions(language)} />
          <SelectField label={t('queue.category')} name="category" placeholder={anyOption} value={filters.category} onChange={(e) => setFilter('category', e.target.value)} options={categoryOptions(language)} />
          <SelectField
            label={t('queue.anonymity')}
            name="anonymity"
            placeholder={anyOption}
            value={filters.anonymity}
            onChange={(e) => setFilter('anonymity', e.target.value)}
            options={[
              { value: 'anonymous', label: t('queue.anonymityAnonymous') },
              { value: 'identified', label: t('queue.anonymityIdentified') },
            ]}
          />
          <SelectField
            label={t('queue.awaitingReply')}
            name="awaitingReply"
            placeholder={anyOption}
            value={filters.awaitingReply}
            onChange={(e) => setFilter('awaitingReply', e.target.value)}
            options={[
              { value: 'true', label: t('queue.awaitingYes') },
              { value: 'false', label: t('queue.awaitingNo') },
            ]}
          />
          <TextField label={t('queue.receivedFrom')} name="receivedFrom" type="date" value={filters.receivedFrom} onChange={(e) => setFilter('receivedFrom', e.target.value)} />
          <TextField label={t('queue.receivedBefore')} name="receivedBefore" type="date" value={filters.receivedBefore} onChange={(e) => setFilter('receivedBefore', e.target.value)} />
          <SelectField label={t('queue.sort')} name="sort" value={filters.sort || 'receivedAt'} onChange={(e) => setFilter('sort', e.target.value === 'receivedAt' ? '' : e.target.value)} options={SORTS.map((value) => ({ value, label: t(`queue.sortOptions.${value}`) }))} />
        </div>
        <button type="button" className="secondary" onClick={clear}>
          {t('queue.clear')}
        </button>
      </form>

      {canOpenCase ? (
        <div className="row intake-bulk">
          <button type="button" disabled={selected.size === 0 || openCase.isPending} onClick={() => openCase.mutate([...selected.keys()])}>
            {t('queue.openSelected', { count: selected.size })}
          </button>
          <span className="hint">{openCase.isPending ? t('queue.opening') : t('queue.selectHint')}</span>
        </div>
      ) : null}
      <ErrorMessage error={openCase.error} />

      <ListResults list={tips} count={rows.length} empty={t('queue.empty')}>
        <p className="muted" role="status" aria-live="polite">
          {t('queue.count', { count: rows.length })}
        </p>
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{t('queue.caption')}</caption>
            <thead>
              <tr>
                {canOpenCase ? <th scope="col">{t('queue.select')}</th> : null}
                <th scope="col">{t('queue.tipNo')}</th>
                <th scope="col">{t('queue.received')}</th>
                <th scope="col">{t('queue.age')}</th>
                <th scope="col">{t('queue.status')}</th>
                <th scope="col">{t('queue.channel')}</th>
                <th scope="col">{t('queue.province')}</th>
                <th scope="col">{t('queue.category')}</th>
                <th scope="col" className="num">
                  {t('queue.messages')}
                </th>
                <th scope="col" className="num">
                  {t('queue.attachments')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((tip) => {
                const age = ageInDays(tip.receivedAt);
                const open = isOpen(tip);
                return (
                  <tr key={tip.id}>
                    {canOpenCase ? (
                      <td>
                        {open ? <input type="checkbox" aria-label={t('queue.selectTip', { tipNo: tip.tipNo })} checked={selected.has(tip.id)} onChange={(e) => toggle(tip, e.target.checked)} /> : null}
                      </td>
                    ) : null}
                    <td>
                      <Link to={tip.id}>{tip.tipNo}</Link>
                    </td>
                    <td>{date(tip.receivedAt)}</td>
                    <td>
                      {t('queue.days', { count: age })}
                      {open && age >= SCREENING_ATTENTION_DAYS ? (
                        <>
                          {' '}
                          <span className="badge badge-danger">{t('queue.overdue', { days: SCREENING_ATTENTION_DAYS })}</span>
                        </>
                      ) : null}
                    </td>
                    <td>
                      <StatusBadge status={tip.status} />
                      {open && !tip.acknowledgedAt ? (
                        <>
                          {' '}
                          <span className="badge badge-warn">{t('queue.notAcknowledged')}</span>
                        </>
                      ) : null}
                    </td>
                    <td>{code('channel', tip.channel)}</td>
                    <td>{province(tip.provinceCode)}</td>
                    <td>{category(tip.categoryGuess)}</td>
                    <td className="num">
                      {number(tip.reporterMessages)}
                      {tip.awaitingReply ? (
                        <>
                          {' '}
                          <span className="badge badge-warn">{t('queue.awaiting')}</span>
                        </>
                      ) : null}
                    </td>
                    <td className="num">{number(tip.attachmentCount)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <MoreButton list={tips} />
      </ListResults>
    </Page>
  );
}
