import type { preValidationHookHandler } from 'fastify';
import { z } from 'zod';
import { AuthorizeParams } from '../../../contracts/index.js';
import { accountOfKey, authenticate } from '../../core/authenticate.js';
import { accountIdIssues } from '../../core/authorize/validate-authorize.js';
import type { MockConfig } from '../../core/config.js';
import { catalogue } from '../../core/error-catalogue.js';
import { parseInput } from '../parse-input.js';

type Config = Pick<MockConfig, 'apiKeys' | 'accounts' | 'accountIds' | 'defaultAccount'>;

/**
 * The two ways Klarna addresses one operation: the acquiring partner's, under `/v2/accounts/{partner_account_id}`,
 * and Klarna Direct's, under `/v2` alone, acting on the API key's account. A route registers one handler on both.
 */
export interface PathForm {
  /** Prefix of every path of the form: `/v2/accounts/:partner_account_id` or `/v2`. */
  prefix: string;
  /** Appended to the operationId: '' or 'Direct'. */
  suffix: '' | 'Direct';
  /** The form's own path parameters, for the OpenAPI document. */
  params: z.ZodObject;
  /**
   * The account a request acts on, after its credentials: 401, unknown account 404, 403 and an account id that is
   * no krn are thrown as catalogue errors, in that order (as authorize checks them).
   */
  account(params: unknown, authorization: string | undefined, config: Config, operation: string): string;
}

export const ACCOUNT_FORM: PathForm = {
  prefix: '/v2/accounts/:partner_account_id',
  suffix: '',
  params: AuthorizeParams.unwrap(),
  account(params, authorization, config, operation) {
    const named = (params as { partner_account_id?: string }).partner_account_id ?? '';
    return checked(named, authorization, config, operation, () => {
      parseInput(AuthorizeParams, { partner_account_id: named });
    });
  },
};

/** Klarna Direct (https://docs.klarna.com/acquirer/klarna-direct/payment-authorization/authorization-resources/payment-request/): the account is the API key's (docs/simulator-choices.md#direct-account). */
export const DIRECT_FORM: PathForm = {
  prefix: '/v2',
  suffix: 'Direct',
  params: z.object({}),
  account(_params, authorization, config, operation) {
    const account = accountOfKey(authorization, config);
    if (typeof account !== 'string') throw account;
    return checked(account, authorization, config, operation, () => undefined);
  },
};

export const PATH_FORMS = [ACCOUNT_FORM, DIRECT_FORM] as const;

/**
 * A checked route's (checked-scope.ts) preValidation: the credentials and the account, before Fastify checks the
 * parameters, so that a 401 beats a 400 as on authorize. The handler asks `form.account` again for the account (a
 * pure check, cheaper than carrying it on the request).
 */
export function credentialsFirst(form: PathForm, config: Config, operation: string): preValidationHookHandler {
  return (request, _reply, done) => {
    try {
      form.account(request.params, request.headers.authorization, config, operation);
      done();
    } catch (error) {
      done(error as Error);
    }
  };
}

function checked(
  account: string,
  authorization: string | undefined,
  config: Config,
  operation: string,
  parse: () => void,
): string {
  const denied = authenticate(authorization, account, config, operation);
  if (denied) throw denied;
  parse();
  const issues = accountIdIssues(account, config.accountIds);
  if (issues.length > 0) throw catalogue.validation(issues);
  return account;
}
