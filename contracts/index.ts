export * from './authorize-request.js';
export * from './authorize-response.js';
export * from './authorize-rules.js';
export * from './common.js';
export * from './klarna-error.js';
export * from './sample-request.js';
export * from './scenario.js';
export * from './supplementary-purchase-data.js';
