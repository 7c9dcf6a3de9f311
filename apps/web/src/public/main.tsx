import '../shared/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { i18n } from '../shared/i18n.js';
import { ReporterApp } from './reporter-app.js';

void i18n;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ReporterApp />
  </StrictMode>,
);
