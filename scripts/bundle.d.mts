// Types for scripts/bundle.mjs, for the tests that read what it writes.
export declare const BUNDLE: string;
export declare const MODULE_WRAPPER: readonly [string, string];
export declare function bundle(outfile?: string, entry?: string): Promise<string>;
