import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_ALLOWED_COMMANDS, EVIDENCE_KINDS, EVIDENCE_SOURCES } from '#domain';
import { apiFile, saveBlob } from '../../shared/api.js';
import { ErrorMessage, Notice, useFormat } from '../../shared/ui.js';
import { useAuth } from '../../staff/auth.js';
import { ActionForm, FormArea, FormSelect, FormText, useFields, useFormError } from './action-form.js';
import { bangkokInputToIso, bangkokNowInput, localProblems, useCodeOptions } from './form.js';
import { useCaseCommand } from './hooks.js';
import { text, type CaseContent, type CaseDetail, type ContentItem, type EvidenceVerifyResult } from './types.js';
import { useShown } from './content.js';
import { ApiError } from '../../shared/api.js';

function FileInput({ onPick }: { onPick: (file: File | null) => void }) {
  const { t } = useTranslation('cases');
  const error = useFormError();
  const message = error instanceof ApiError ? error.fieldMessage('file') : undefined;
  return (
    <div className={`field${message ? ' field-invalid' : ''}`}>
      <label htmlFor="evidence-file">
        {t('evidence.file')}
        <span className="required"> ({t('common:state.required')})</span>
      </label>
      <input id="evidence-file" type="file" name="file" aria-invalid={message ? true : undefined} aria-describedby={`evidence-file-hint${message ? ' evidence-file-error' : ''}`} onChange={(e) => onPick(e.target.files?.[0] ?? null)} />
      <p className="hint" id="evidence-file-hint">
        {t('evidence.fileHint')}
      </p>
      {message ? (
        <p className="field-error" id="evidence-file-error">
          {message}
        </p>
      ) : null}
    </div>
  );
}

/** Upload (multipart: the fields first, then `file`): the server hashes, encrypts and logs it as evidence. */
function UploadForm({ detail, onDone, onCancel }: { detail: CaseDetail; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation('cases');
  const [file, setFile] = useState<File | null>(null);
  const { values, bind } = useFields({ kind: 'document', source: '', description: '', collectedAt: '', custodyHolder: '', custodyLocation: '' });
  return (
    <ActionForm
      detail={detail}
      onDone={onDone}
      onCancel={onCancel}
      title={t('evidence.upload')}
      submitLabel={t('evidence.submit')}
      validate={() => {
        const collected = values.collectedAt ? bangkokInputToIso(values.collectedAt) : undefined;
        return localProblems({
          kind: !values.kind && t('actions.required'),
          source: !values.source && t('actions.required'),
          description: !values.description.trim() && t('actions.required'),
          collectedAt: values.collectedAt !== '' && (!collected ? t('actions.required') : Date.parse(collected) > Date.now() + 60_000 ? t('actions.notFuture') : undefined),
          file: !file && t('actions.required'),
        });
      }}
      toInput={() => {
        const form = new FormData();
        form.append('kind', values.kind);
        form.append('source', values.source);
        form.append('description', values.description);
        const collected = bangkokInputToIso(values.collectedAt);
        if (collected) form.append('collectedAt', collected);
        if (values.custodyHolder.trim()) form.append('custodyHolder', values.custodyHolder.trim());
        if (values.custodyLocation.trim()) form.append('custodyLocation', values.custodyLocation.trim());
        // The file goes last: the server reads the fields before it streams the bytes.
        if (file) form.append('file', file, file.name);
        return { path: 'evidence', form };
      }}
    >
      <FileInput onPick={setFile} />
      <div className="grid">
        <FormSelect label={t('evidence.kind')} required options={useCodeOptions('evidence.kinds', EVIDENCE_KINDS)} {...bind('kind')} />
        <FormSelect label={t('evidence.source')} required placeholder={t('actions.choose')} options={useCodeOptions('evidence.sources', EVIDENCE_SOURCES)} {...bind('source')} />
        <FormText label={t('evidence.collectedAt')} type="datetime-local" hint={t('evidence.collectedAtHint')} max={bangkokNowInput(1)} {...bind('collectedAt')} />
      </div>
      <FormArea label={t('evidence.description')} required maxLength={10000} {...bind('description')} />
      <div className="grid">
        <FormText label={t('evidence.custodyHolder')} hint={t('evidence.custodyHint')} maxLength={200} {...bind('custodyHolder')} />
        <FormText label={t('evidence.custodyLocation')} maxLength={200} {...bind('custodyLocation')} />
      </div>
    </ActionForm>
  );
}

/** An item held outside casetrail (a physical item, a file in another system): logged by its hash and custody (JSON `log-evidence`). */
function LogForm({ detail, onDone, onCancel }: { detail: CaseDetail; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation('cases');
  const { values, bind } = useFields({
    kind: 'physical_item',
    source: '',
    description: '',
    collectedAt: bangkokNowInput(),
    holder: '',
    location: '',
    sha256: '',
    byteLength: '0',
    mediaType: 'application/octet-stream',
    storageUri: '',
  });
  const required = (value: string) => (value.trim() === '' ? t('actions.required') : undefined);
  return (
    <ActionForm
      detail={detail}
      onDone={onDone}
      onCancel={onCancel}
      title={t('evidence.log')}
      submitLabel={t('evidence.logSubmit')}
      intro={<p className="muted small">{t('evidence.logHint')}</p>}
      validate={() => {
        const collected = bangkokInputToIso(values.collectedAt);
        return localProblems({
          source: required(values.source),
          description: required(values.description),
          collectedAt: !collected ? t('actions.required') : Date.parse(collected) > Date.now() + 60_000 ? t('actions.notFuture') : undefined,
          'custody.holder': required(values.holder),
          'custody.location': required(values.location),
          sha256: !/^[0-9a-f]{64}$/.test(values.sha256.trim().toLowerCase()) && t('evidence.sha256Format'),
          byteLength: !(Number.isInteger(Number(values.byteLength)) && Number(values.byteLength) >= 0 && values.byteLength.trim() !== '') && t('evidence.byteLengthFormat'),
          mediaType: !/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/.test(values.mediaType.trim()) && t('evidence.mediaTypeFormat'),
          storageUri: required(values.storageUri),
        });
      }}
      toInput={() => ({
        path: 'log-evidence',
        body: {
          kind: values.kind,
          source: values.source,
          description: values.description,
          collectedAt: bangkokInputToIso(values.collectedAt),
          custody: { holder: values.holder.trim(), location: values.location.trim() },
          sha256: values.sha256.trim().toLowerCase(),
          byteLength: Number(values.byteLength),
          mediaType: values.mediaType.trim(),
          storageUri: values.storageUri.trim(),
        },
      })}
    >
      <div className="grid">
        <FormSelect label={t('evidence.kind')} required options={useCodeOptions('evidence.kinds', EVIDENCE_KINDS)} {...bind('kind')} />
        <FormSelect label={t('evidence.source')} required placeholder={t('actions.choose')} options={useCodeOptions('evidence.sources', EVIDENCE_SOURCES)} {...bind('source')} />
        <FormText label={t('evidence.collectedAtRequired')} required type="datetime-local" max={bangkokNowInput(1)} {...bind('collectedAt')} />
      </div>
      <FormArea label={t('evidence.description')} required maxLength={10000} {...bind('description')} />
      <div className="grid">
        <FormText label={t('evidence.custodyHolder')} required maxLength={200} {...bind('holder')} name="custody.holder" />
        <FormText label={t('evidence.custodyLocation')} required maxLength={200} {...bind('location')} name="custody.location" />
        <FormText label={t('evidence.storageUri')} required hint={t('evidence.storageUriHint')} maxLength={2000} {...bind('storageUri')} />
      </div>
      <div className="grid">
        <FormText label={t('evidence.sha256')} required spellCheck={false} autoComplete="off" {...bind('sha256')} />
        <FormText label={t('evidence.byteLength')} required type="number" min={0} step={1} {...bind('byteLength')} />
        <FormText label={t('evidence.mediaType')} required {...bind('mediaType')} />
      </div>
    </ActionForm>
  );
}

function EvidenceRow({ item, n, detail, onVerified }: { item: ContentItem; n: number; detail: CaseDetail; onVerified: (result: EvidenceVerifyResult, n: number) => void }) {
  const { t } = useTranslation('cases');
  const format = useFormat();
  const shown = useShown();
  const [downloading, setDownloading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const evidenceId = text(item.evidenceId) ?? '';
  const verify = useCaseCommand<EvidenceVerifyResult & { id: string; streamId: string; events: [] }>(detail.id, detail.version, (result) => onVerified(result, n));
  const download = async () => {
    setDownloading(true);
    setError(null);
    try {
      const { blob, filename } = await apiFile(`/cases/${detail.id}/evidence/${evidenceId}/content`);
      saveBlob(blob, filename ?? `${detail.caseNo}-evidence-${n}`);
    } catch (failure) {
      setError(failure);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <tr>
      <td>
        {n}. {t(`evidence.kinds.${text(item.kind) ?? 'document'}`)}
      </td>
      <td className="sealed-text">{shown(item.description)}</td>
      <td>{format.dateTime(text(item.collectedAt))}</td>
      <td>{t(`evidence.sources.${text(item.source) ?? 'agency'}`)}</td>
      <td className="small">
        {t('evidence.size', { type: text(item.mediaType) ?? '', size: format.number(typeof item.byteLength === 'number' ? item.byteLength : undefined) })}
      </td>
      <td>
        <div className="row">
          <button type="button" className="secondary" aria-label={t('evidence.downloadNamed', { n })} disabled={downloading || !evidenceId} onClick={() => void download()}>
            {t('evidence.download')}
          </button>
          <button
            type="button"
            className="secondary"
            aria-label={t('evidence.verifyNamed', { n })}
            disabled={verify.busy || !evidenceId}
            onClick={() => verify.mutate({ path: `evidence/${evidenceId}/verify` })}
          >
            {t('evidence.verify')}
          </button>
        </div>
        <ErrorMessage error={error ?? verify.error} />
      </td>
    </tr>
  );
}

/** The case's evidence: the list (from the sealed content), download, integrity check, and upload. */
export function CaseEvidence({ detail, content }: { detail: CaseDetail; content: CaseContent | undefined }) {
  const { t } = useTranslation('cases');
  const { hasRole } = useAuth();
  const [open, setOpen] = useState<'upload' | 'log' | null>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'warning'; text: string } | null>(null);
  const mayUpload = hasRole('investigator', 'supervisor') && CASE_ALLOWED_COMMANDS[detail.phase].includes('LogEvidence');
  const onVerified = (result: EvidenceVerifyResult, n: number) =>
    setNotice(
      result.match ? { kind: 'success', text: t('evidence.verifiedOk', { n }) }
      : { kind: 'warning', text: `${t('evidence.verifiedBad', { n })}${result.failure ? ` (${t(`evidence.failure.${result.failure}`)})` : ''}` },
    );
  return (
    <section className="card" aria-labelledby="case-evidence-title">
      <h2 id="case-evidence-title">{t('evidence.title')}</h2>
      <p className="muted small">
        {t('evidence.count', { count: detail.counts.evidence })} {t('evidence.hint')}
      </p>
      <div role="status" aria-live="polite">
        {notice ? <Notice kind={notice.kind === 'success' ? 'success' : 'info'}>{notice.text}</Notice> : null}
      </div>
      {content && content.evidence.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('evidence.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('evidence.col.kind')}</th>
                <th scope="col">{t('evidence.col.description')}</th>
                <th scope="col">{t('evidence.col.collected')}</th>
                <th scope="col">{t('evidence.col.source')}</th>
                <th scope="col">{t('evidence.col.file')}</th>
                <th scope="col">{t('evidence.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {content.evidence.map((item, i) => (
                <EvidenceRow key={item.eventId} item={item} n={i + 1} detail={detail} onVerified={onVerified} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {mayUpload && open === null ? (
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNotice(null);
              setOpen('upload');
            }}
          >
            {t('evidence.upload')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setNotice(null);
              setOpen('log');
            }}
          >
            {t('evidence.log')}
          </button>
        </div>
      ) : null}
      {open === 'upload' ? (
        <UploadForm
          detail={detail}
          onCancel={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            setNotice({ kind: 'success', text: t('evidence.uploaded') });
          }}
        />
      ) : null}
      {open === 'log' ? (
        <LogForm
          detail={detail}
          onCancel={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            setNotice({ kind: 'success', text: t('evidence.logged') });
          }}
        />
      ) : null}
    </section>
  );
}
