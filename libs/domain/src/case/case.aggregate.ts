import type { AggregateDefinition } from '../shared/aggregate.js';
import type { PersonalDataMap } from '../shared/personal-data.js';
import type { CaseCommand } from './case.commands.js';
import { DEFAULT_CASE_POLICY, createCaseDecider, type CasePolicy, type CaseState } from './case.decider.js';
import type { CaseEvent } from './case.events.js';

/** Parties are sealed under their own subject key, so erasing one person leaves the rest of the case readable. */
export const casePersonalData: PersonalDataMap = {
  AccusedPersonAdded: [{ path: 'accused', subject: { field: 'subjectRef' } }],
  AccusedPersonRemoved: [{ path: 'reason', subject: 'stream' }],
  WitnessAdded: [{ path: 'witness', subject: { field: 'subjectRef' } }],
  InvestigationStepRecorded: [
    { path: 'summary', subject: 'stream' },
    { path: 'outcome', subject: 'stream' },
  ],
  // Who collected it, custody holders and places, file names and transfer reasons are free text that may name people.
  EvidenceLogged: [
    { path: 'description', subject: 'stream' },
    { path: 'collectedBy', subject: 'stream' },
    { path: 'custody.holder', subject: 'stream' },
    { path: 'custody.location', subject: 'stream' },
    { path: 'fileName', subject: 'stream' },
  ],
  EvidenceCustodyTransferred: [
    { path: 'to.holder', subject: 'stream' },
    { path: 'to.location', subject: 'stream' },
    { path: 'reason', subject: 'stream' },
  ],
  FindingRecorded: [{ path: 'summary', subject: 'stream' }],
  InternalNoteAdded: [{ path: 'body', subject: 'stream' }],
  ReporterInfoRequested: [{ path: 'question', subject: 'stream' }],
  ClosureProposed: [{ path: 'publicOutcomeStatement', subject: 'stream' }],
  RetentionHoldPlaced: [{ path: 'reason', subject: 'stream' }],
  RetentionHoldReleased: [{ path: 'reason', subject: 'stream' }],
};

/** The office's policy is configuration: build the aggregate once from it at start-up. */
export const createCaseAggregate = (policy: CasePolicy): AggregateDefinition<CaseCommand, CaseEvent, CaseState> => ({
  name: 'Case',
  category: 'case',
  decider: createCaseDecider(policy),
  personalData: casePersonalData,
  schemaVersions: { CaseClassified: 2 },
  upcast(type, schemaVersion, data) {
    // v1 CaseClassified had one `category`; v2 splits it into a primary and (initially no) secondary categories.
    if (type === 'CaseClassified' && schemaVersion < 2) {
      const { category, ...rest } = data;
      return { ...rest, primaryCategory: category, secondaryCategories: [] };
    }
    return data;
  },
});

export const caseAggregate = createCaseAggregate(DEFAULT_CASE_POLICY);
