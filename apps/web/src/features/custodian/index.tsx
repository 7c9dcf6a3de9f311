import './custodian.css';
import { Route, Routes } from 'react-router';
import { addMessages } from '../../shared/i18n.js';
import { RequestList } from './list.js';
import { messages } from './messages.js';
import { RequestPage } from './request.js';

addMessages('custodian', messages);

/** The identity custodian's area: the queue of identity-access requests and one request's decision page. */
export default function CustodianArea() {
  return (
    <Routes>
      <Route index element={<RequestList />} />
      <Route path=":id" element={<RequestPage />} />
    </Routes>
  );
}
