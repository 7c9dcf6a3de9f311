import { Route, Routes } from 'react-router';
import { addMessages } from '../../shared/i18n.js';
import { messages } from './messages.js';
import { AccessLogScreen } from './AccessLogScreen.js';
import { AuditLogScreen } from './AuditLogScreen.js';
import { IntegrityScreen } from './IntegrityScreen.js';
import { StreamFinder } from './StreamFinder.js';
import { StreamScreen } from './StreamScreen.js';
import './audit.css';

addMessages('audit', messages);

/** The auditor's area (/audit): streams, time travel, hash chains and anchors, the audit and access logs. */
export default function AuditArea() {
  return (
    <Routes>
      <Route index element={<StreamFinder />} />
      <Route path="streams/:streamId" element={<StreamScreen />} />
      <Route path="integrity" element={<IntegrityScreen />} />
      <Route path="log" element={<AuditLogScreen />} />
      <Route path="access-log" element={<AccessLogScreen />} />
    </Routes>
  );
}
