import './intake.css';
import { Navigate, Route, Routes } from 'react-router';
import { addMessages } from '../../shared/i18n.js';
import { messages } from './messages.js';
import { Queue } from './queue.js';
import { RegisterTip } from './register.js';
import { TipPage } from './tip-page.js';

addMessages('intake', messages);

/** The intake officer's area (/intake): the screening queue, registering a tip, one tip's page. */
export default function IntakeArea() {
  return (
    <Routes>
      <Route index element={<Queue />} />
      <Route path="new" element={<RegisterTip />} />
      <Route path=":id" element={<TipPage />} />
      <Route path="*" element={<Navigate to="." replace />} />
    </Routes>
  );
}
