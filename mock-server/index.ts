// The package entry. seededRandom is exported for certify, which reaches the simulator through
// this entry only (the layer rule).

export { type BuildAppOptions, buildApp, type MockApp } from './app/build-app.js';
export { type RunningMock, type StartMockOptions, startMock } from './app/start-mock.js';
export type { AuthorizePlan } from './core/authorize/authorize-service.js';
export { MockConfig, type MockConfigInput } from './core/config.js';
export { BUILT_IN_SCENARIOS } from './core/scenarios/built-in.js';
export { seededRandom } from './core/scenarios/seeded-random.js';
export type { Store } from './core/store/store.js';
export { signBody, verifyKlarnaSignature } from './core/webhooks/sign.js';
export type { LogOptions } from './http/logging.js';
