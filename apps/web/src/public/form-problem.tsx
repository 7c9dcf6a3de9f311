import { useTranslation } from 'react-i18next';
import { ApiError } from '../shared/api.js';
import { ErrorMessage } from '../shared/ui.js';
import { CLIENT_VALIDATION } from './reporter-api.js';

/**
 * A form's error above its fields: problems found before sending are listed in plain words (each is also shown
 * under its field); anything the server said goes through the shared ErrorMessage, except the cases a member
 * of the public needs in their own words (`special`, e.g. too many requests).
 */
export function FormProblem({ error, special }: { error: unknown; special?: (error: ApiError) => string | undefined }) {
  const { t } = useTranslation('reporter');
  if (!error) return null;
  if (error instanceof ApiError && error.code === CLIENT_VALIDATION) {
    return (
      <div className="alert alert-error" role="alert">
        <strong>{t('form.invalid')}</strong>
        <ul className="alert-fields">
          {error.errors.map((problem) => (
            <li key={problem.field}>{problem.message}</li>
          ))}
        </ul>
      </div>
    );
  }
  const text = error instanceof ApiError ? special?.(error) : undefined;
  if (text) {
    return (
      <div className="alert alert-error" role="alert">
        {text}
      </div>
    );
  }
  return <ErrorMessage error={error} />;
}
