/**
 * Failure → layer, hint, transitions between runs. Pure functions only: no I/O.
 */
export { errorCode } from './codes.js';
export { classifyTransport, isRunnerSideCode } from './transport.js';
export type { TransportContext, TransportPhase } from './transport.js';
export { detectProxy, isJsonBody } from './proxy-signatures.js';
export type { ProxyEvidenceInput, ProxyMatch } from './proxy-signatures.js';
export { classifyStatus, isGatewayStatus } from './status.js';
export type { StatusInput, StatusVerdict } from './status.js';
export { classifyHttp, expectsSuccess, looksLikeLogin } from './http.js';
export type { HttpFailureInput } from './http.js';
export { classifyBrowser, netCode } from './browser.js';
export type { BrowserFailureInput, BrowserSymptom } from './browser.js';
export { classifyDrift } from './drift.js';
export type { DriftInput } from './drift.js';
export { computeTransition, describeTransition, transitionCodes } from './transition.js';
export { attemptFailureStatus, failureStatus, observationStatus } from './failure-status.js';
export type { TransitionCurrent, TransitionPrevious } from './transition.js';
export {
  displayUrl,
  formatDuration,
  hostOf,
  hostPortOf,
  nextChecks,
  oneLine,
  pathOf,
  pathPrefix,
  requestLabel,
  stripQueries,
} from './hints.js';
