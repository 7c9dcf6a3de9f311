import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { ApiError, api } from '../../shared/api.js';
import { ErrorMessage, Page, TextField } from '../../shared/ui.js';
import { useAuth, useUser } from '../../staff/auth.js';

/**
 * Changes the signed-in user's own password (POST /auth/change-password). A wrong current password comes back
 * as a 400 naming `currentPassword` (the session stays); it is shown under that field in the reader's language.
 * Every token of the user is revoked afterwards: they sign in again.
 */
export function ChangePassword() {
  const { t } = useTranslation('admin');
  const me = useUser();
  const { logout } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<ApiError | undefined>(undefined);
  const change = useMutation({
    mutationFn: async () => {
      try {
        await api('/auth/change-password', { body: { currentPassword: current, newPassword: next } });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'AUTH.WRONG_CURRENT_PASSWORD') {
          throw new ApiError(400, error.code, error.message, [{ field: 'currentPassword', rule: 'currentPassword', message: t('validation.current') }]);
        }
        throw error;
      }
    },
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
    },
  });
  const submit = () => {
    const failing = [
      ['currentPassword', current ? '' : t('validation.required')],
      ['newPassword', next.length >= 12 ? (next === current ? t('validation.same') : '') : t('validation.password')],
      ['confirm', confirm === next ? '' : t('validation.confirm')],
    ].filter(([, message]) => message);
    const invalid = failing.length > 0 ? new ApiError(400, 'CLIENT.INVALID', 'invalid', failing.map(([field = '', message = '']) => ({ field, rule: 'client', message }))) : undefined;
    setLocal(invalid);
    if (invalid) return;
    change.reset();
    change.mutate();
  };
  const error = local ?? change.error;
  return (
    <Page title={t('password.title')}>
      <div role="status" aria-live="polite">
        {change.isSuccess ? (
          <div className="alert alert-success">
            <p>{t('password.done')}</p>
            <button type="button" onClick={() => void logout()}>
              {t('password.signInAgain')}
            </button>
          </div>
        ) : null}
      </div>
      {change.isSuccess ? null : (
        <form
          className="card"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!change.isPending) submit();
          }}
        >
          <p className="muted">{t('password.intro')}</p>
          <input type="text" name="username" autoComplete="username" value={me.username} readOnly hidden />
          <TextField label={t('fields.currentPassword')} name="currentPassword" type="password" required value={current} onChange={(e) => setCurrent(e.target.value)} error={error} autoComplete="current-password" />
          <TextField label={t('fields.newPassword')} name="newPassword" type="password" required value={next} onChange={(e) => setNext(e.target.value)} error={error} hint={t('hints.password')} autoComplete="new-password" />
          <TextField label={t('fields.confirmNew')} name="confirm" type="password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={error} autoComplete="new-password" />
          <ErrorMessage error={error} />
          <button type="submit" disabled={change.isPending}>
            {change.isPending ? t('common:state.saving') : t('password.submit')}
          </button>
        </form>
      )}
    </Page>
  );
}
