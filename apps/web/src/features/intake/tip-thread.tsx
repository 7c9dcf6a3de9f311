import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey, type CommandResult } from '../../shared/api.js';
import { ErrorMessage, Loading, TextArea, useFormat } from '../../shared/ui.js';
import { reporterAccessOpen, tipKeys, useTipRefresh, type TipItem, type TipMessage } from './api.js';
import { clientError, fieldProblem } from './form-helpers.js';

/**
 * The reporter thread. Reading it is logged (message bodies are sealed), so it opens on request; replying does
 * not need it open. The reporter sees replies without the officer's name.
 */
export function TipThread({ tip }: { tip: TipItem }) {
  const { t } = useTranslation('intake');
  const { dateTime } = useFormat();
  const client = useQueryClient();
  const refresh = useTipRefresh();
  const [open, setOpen] = useState(false);
  const [body, setBody] = useState('');
  const [invalid, setInvalid] = useState<unknown>(null);
  const messages = useQuery({
    queryKey: tipKeys.messages(tip.id),
    queryFn: ({ signal }) => api<{ tipId: string; messages: TipMessage[] }>(`/tips/${tip.id}/messages`, { signal }),
    enabled: open,
    staleTime: Infinity,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    retry: false,
  });
  const reply = useMutation({
    mutationFn: (text: string) => api<CommandResult>(`/tips/${tip.id}/reply`, { body: { body: text }, ifMatch: tip.version, idempotencyKey: newIdempotencyKey() }),
    onSuccess: async (result) => {
      setBody('');
      await refresh(tip.id, result.version);
      if (open) await client.invalidateQueries({ queryKey: tipKeys.messages(tip.id) });
    },
  });

  const send = (event: FormEvent) => {
    event.preventDefault();
    const error = clientError(body.trim() ? [] : [fieldProblem('body', t('tip.replyRequired'))]);
    setInvalid(error);
    if (!error) reply.mutate(body);
  };
  const error = invalid ?? reply.error;

  return (
    <section className="card sealed" aria-labelledby="tip-thread">
      <h2 id="tip-thread">{t('tip.messagesTitle')}</h2>
      {!open ? (
        <>
          <p>{t('tip.messagesExplain')}</p>
          <button type="button" className="secondary" onClick={() => setOpen(true)}>
            {t('tip.openMessages')}
          </button>
        </>
      ) : (
        <>
          {messages.isPending ? <Loading /> : null}
          <ErrorMessage error={messages.error} />
          {messages.data && messages.data.messages.length === 0 ? <p className="muted">{t('tip.noMessages')}</p> : null}
          {messages.data && messages.data.messages.length > 0 ? (
            <ol className="intake-thread">
              {messages.data.messages.map((message) => (
                <li key={message.messageId} className={message.kind === 'staff_reply' ? 'from-staff' : 'from-reporter'}>
                  <p className="small">
                    <strong>{message.kind === 'staff_reply' ? t('tip.fromStaff') : t('tip.fromReporter')}</strong> <span className="muted">{dateTime(message.at)}</span>
                  </p>
                  {message.body === null || message.erased ? <p className="muted">{t('tip.erased')}</p> : <p className="prewrap">{message.body}</p>}
                </li>
              ))}
            </ol>
          ) : null}
        </>
      )}
      {!reporterAccessOpen(tip) ? (
        <p className="hint">{t('tip.replyUnavailable')}</p>
      ) : (
      <form onSubmit={send} noValidate>
        <ErrorMessage error={error} />
        <TextArea label={t('tip.replyLabel')} name="body" required maxLength={10000} hint={t('tip.replyHint')} value={body} onChange={(e) => setBody(e.target.value)} error={error} />
        <button type="submit" disabled={reply.isPending}>
          {t('tip.reply')}
        </button>
      </form>
      )}
      <div aria-live="polite">{reply.isSuccess ? <p className="alert alert-success">{t('tip.replied')}</p> : null}</div>
    </section>
  );
}
