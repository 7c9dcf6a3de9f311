import '../shared/styles.css';
import './reporter.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { addMessages, i18n } from '../shared/i18n.js';
import { messages } from './messages.js';
import { ReporterApp } from './reporter-app.js';

void i18n;
addMessages('reporter', messages);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ReporterApp />
  </StrictMode>,
);
