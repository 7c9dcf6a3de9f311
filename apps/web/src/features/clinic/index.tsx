import { Navigate, NavLink, Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { addMessages } from '../../shared/i18n.js';
import { useMayWorkVisits } from './kit.js';
import { messages } from './messages.js';
import { ConsultationList, NewConsultation } from './consultations.js';
import { ConsultationDetail } from './consultation-detail.js';
import { NewVisit, VisitList } from './visits.js';
import { VisitDetail } from './visit-detail.js';
import { ActivityList, NewActivity } from './activities.js';
import { ActivityDetail } from './activity-detail.js';
import './clinic.css';

addMessages('clinic', messages);

/** The clinic's three registers, one tab each. */
function ClinicNav() {
  const { t } = useTranslation('clinic');
  const visits = useMayWorkVisits();
  return (
    <nav className="clinic-tabs" aria-label={t('nav.label')}>
      <ul>
        <li>
          <NavLink to="/clinic/consultations">{t('nav.consultations')}</NavLink>
        </li>
        {visits ? (
          <li>
            <NavLink to="/clinic/visits">{t('nav.visits')}</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to="/clinic/activities">{t('nav.activities')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}

export default function ClinicArea() {
  const visits = useMayWorkVisits();
  return (
    <>
      <ClinicNav />
      <Routes>
        <Route index element={<Navigate to="consultations" replace />} />
        <Route path="consultations" element={<ConsultationList />} />
        <Route path="consultations/new" element={<NewConsultation />} />
        <Route path="consultations/:id" element={<ConsultationDetail />} />
        {visits ? (
          <>
            <Route path="visits" element={<VisitList />} />
            <Route path="visits/new" element={<NewVisit />} />
            <Route path="visits/:id" element={<VisitDetail />} />
          </>
        ) : null}
        <Route path="activities" element={<ActivityList />} />
        <Route path="activities/new" element={<NewActivity />} />
        <Route path="activities/:id" element={<ActivityDetail />} />
        <Route path="*" element={<Navigate to="consultations" replace />} />
      </Routes>
    </>
  );
}
