import './cases.css';
import { Route, Routes } from 'react-router';
import { addMessages } from '../../shared/i18n.js';
import { CasePage } from './case-page.js';
import { messages } from './messages.js';
import { CaseQueue } from './queue.js';

addMessages('cases', messages);

/** The cases area: the work queue, the supervisors' approvals view, and one case's page. */
export default function CasesArea() {
  return (
    <Routes>
      <Route index element={<CaseQueue />} />
      <Route path="approvals" element={<CaseQueue key="approvals" approvals />} />
      <Route path=":id" element={<CasePage />} />
    </Routes>
  );
}
