import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiFile, saveBlob } from '../../shared/api.js';
import { ErrorMessage, Loading, useFormat } from '../../shared/ui.js';
import { tipKeys, type TipContent, type TipItem } from './api.js';

function sealedText(value: unknown): { text?: string; erased: boolean } {
  if (typeof value === 'string') return { text: value, erased: false };
  return { erased: !!value && typeof value === 'object' && 'erased' in value };
}

/**
 * The tip's sealed content. Opening it is logged on the server (under the officer's name), so it is fetched only
 * when asked for, never refetched on its own, and dropped from memory when the section is closed.
 */
export function TipContentSection({ tip }: { tip: TipItem }) {
  const { t } = useTranslation('intake');
  const { date, number } = useFormat();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const content = useQuery({
    queryKey: tipKeys.content(tip.id),
    queryFn: ({ signal }) => api<TipContent>(`/tips/${tip.id}/content`, { signal }),
    enabled: open,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    retry: false,
  });
  const download = useMutation({
    mutationFn: async ({ attachmentId, name }: { attachmentId: string; name: string }) => {
      const file = await apiFile(`/tips/${tip.id}/attachments/${attachmentId}/content`);
      saveBlob(file.blob, file.filename ?? name);
    },
  });

  const close = () => {
    setOpen(false);
    client.removeQueries({ queryKey: tipKeys.content(tip.id) });
  };

  const narrative = sealedText(content.data?.narrative);
  const agency = sealedText(content.data?.allegedAgencyText);
  return (
    <section className="card sealed" aria-labelledby="tip-content">
      <h2 id="tip-content">{t('tip.content')}</h2>
      {!open ? (
        <>
          <p>{t('tip.contentExplain')}</p>
          <button type="button" onClick={() => setOpen(true)}>
            {t('tip.openContent')}
          </button>
        </>
      ) : (
        <>
          {content.isPending ? <Loading /> : null}
          <ErrorMessage error={content.error} />
          {content.data ? (
            <>
              <h3>{t('tip.narrative')}</h3>
              {narrative.text !== undefined ? <p className="prewrap">{narrative.text}</p> : <p className="muted">{narrative.erased ? t('tip.erased') : t('tip.none')}</p>}
              <dl className="facts">
                <dt>{t('tip.allegedAgencyText')}</dt>
                <dd>{agency.text ?? <span className="muted">{agency.erased ? t('tip.erased') : t('tip.none')}</span>}</dd>
                <dt>{t('tip.reporter')}</dt>
                <dd>
                  {content.data.reporter.pseudonym} · {t(`anonymity.${content.data.reporter.anonymity}`)}
                  {content.data.reporter.contactConsent ? ` · ${t('tip.contactConsent')}` : ''}
                </dd>
              </dl>
              <h3>{t('tip.files')}</h3>
              {content.data.attachments.length === 0 ? (
                <p className="muted">{t('tip.noFiles')}</p>
              ) : (
                <ul>
                  {content.data.attachments.map((file) => {
                    const name = typeof file.fileName === 'string' ? file.fileName : null;
                    return (
                      <li key={file.attachmentId}>
                        {name ? (
                          <button type="button" className="link-button" disabled={download.isPending} onClick={() => download.mutate({ attachmentId: file.attachmentId, name })}>
                            {t('tip.download', { name })}
                          </button>
                        ) : (
                          <span className="muted">{t('tip.fileErased')}</span>
                        )}{' '}
                        <span className="muted small">
                          {t('tip.fileMeta', { type: file.mediaType ?? '', size: number(Math.max(1, Math.round((file.byteLength ?? 0) / 1024))), date: date(file.addedAt) })}
                        </span>
                      </li>
                    );
                  })}
                </ul>
              )}
              <ErrorMessage error={download.error} />
            </>
          ) : null}
          <button type="button" className="secondary" onClick={close}>
            {t('tip.hideContent')}
          </button>
        </>
      )}
    </section>
  );
}
