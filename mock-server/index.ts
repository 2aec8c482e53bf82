// The package entry. seededRandom is exported for certify, which reaches the simulator through
// this entry only (the layer rule).
export type { AuthorizePlan } from './authorize-service.js';
export { type BuildAppOptions, buildApp, type MockApp } from './build-app.js';
export { MockConfig, type MockConfigInput } from './config.js';
export type { LogOptions } from './logging.js';
export { BUILT_IN_SCENARIOS } from './scenarios/built-in.js';
export { seededRandom } from './scenarios/seeded-random.js';
export { type RunningMock, type StartMockOptions, startMock } from './start-mock.js';
export type { Store } from './store.js';
export { signBody, verifyKlarnaSignature } from './webhooks/sign.js';
