/** Step kinds by what they need. */
import type { StepKind } from '../journey/schema.js';

export type BrowserStepKind = Exclude<StepKind, 'request'>;
