import { Route, Routes } from 'react-router';
import { addMessages } from '../../shared/i18n.js';
import { messages } from './messages.js';
import { Explorer } from './Explorer.js';
import { Overview } from './Overview.js';
import { TrendView } from './TrendView.js';
import './analytics.css';

addMessages('analytics', messages);

/** The analytics area (/analytics): KPI overview, "is the trend declining?", and a metric explorer. Charts: chart.js, in this chunk only. */
export default function AnalyticsArea() {
  return (
    <Routes>
      <Route index element={<Overview />} />
      <Route path="trend" element={<TrendView />} />
      <Route path="explore" element={<Explorer />} />
    </Routes>
  );
}
