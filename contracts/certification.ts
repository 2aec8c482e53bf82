import { z } from 'zod';
import { lazily } from './lazily.js';
import { WebhookUrl } from './webhook.js';

// Certification (`npm run certify`): what the client under test tells certify (its webhook receiver, the effects
// it applied), and the report certify hands the simulator for the request inspector.

/** The client's webhook receiver, announced before its purchase: certify subscribes it for the webhook cases. */
export const CertifyReceiverNote = lazily(() => z.strictObject({ type: z.literal('receiver'), url: WebhookUrl }));

/**
 * One effect the client's receiver applied: it acted on webhook `event_id`, and the purchase's state is now
 * `state`. A delivery it skipped (a duplicate, an older state) is not reported.
 */
export const CertifyEffectNote = lazily(() =>
  z.strictObject({
    type: z.literal('effect'),
    event_id: z.string().min(1).max(100),
    state: z.string().min(1).max(64),
  }),
);

/** An effect as certify keeps it for the webhook rules. */
export type CertifyEffect = Omit<z.infer<typeof CertifyEffectNote>, 'type'>;

/** The client has made its purchase; certify answers once the case's webhooks are delivered. */
export const CertifyDoneNote = lazily(() => z.strictObject({ type: z.literal('done') }));

export const CertifyClientNote = lazily(() =>
  z.discriminatedUnion('type', [CertifyReceiverNote.unwrap(), CertifyEffectNote.unwrap(), CertifyDoneNote.unwrap()]),
);
export type CertifyClientNote = z.infer<typeof CertifyClientNote>;

const Text = (max: number) => z.string().max(max);

export const CertificationVerdict = lazily(() =>
  z.strictObject({
    rule: Text(64),
    passed: z.boolean(),
    why: Text(512),
  }),
);

export const CertificationCase = lazily(() =>
  z.strictObject({
    n: z.int().min(1).max(1000),
    id: Text(64),
    title: Text(200),
    account: Text(255),
    attempts: z.int().min(0).max(100_000),
    client: Text(512),
    duration_ms: z.number().min(0).max(86_400_000),
    verdicts: z.array(CertificationVerdict).max(20),
  }),
);
export type CertificationCase = z.infer<typeof CertificationCase>;

/** The latest certification report, as certify hands it to the simulator (PUT /__mock/certification). */
export const CertificationReport = lazily(() =>
  z.strictObject({
    seed: Text(200),
    base_url: Text(2048),
    simulator: z.enum(['started', 'given']),
    client: Text(1000).optional(),
    finished_at: z.iso.datetime(),
    passed: z.boolean(),
    summary: Text(1000),
    cases: z.array(CertificationCase).max(100),
  }),
);
export type CertificationReport = z.infer<typeof CertificationReport>;

/** GET /__mock/certification: the latest report, or null before certify has handed one in. */
export const CertificationState = lazily(() => z.object({ report: CertificationReport.nullable() }));
