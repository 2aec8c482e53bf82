import { z } from 'zod';
import { Amount, Currency, Interval, Reference, SignedAmount } from './common.js';

// Field names follow the Web SDK typings in snake_case (reference §2.5); objects stay loose so that
// fields Klarna adds later are accepted and reported as warnings rather than rejected.

export const LineItem = z.looseObject({
  name: z.string().min(1).max(255),
  quantity: z.int().min(1),
  total_amount: SignedAmount,
  unit_price: SignedAmount.optional(),
  total_tax_amount: SignedAmount.optional(),
  line_item_reference: Reference.optional(),
  product_url: z.url().optional(),
  image_url: z.url().optional(),
  product_identifier: z.string().optional(),
  shipping_reference: Reference.optional(),
  subscription_reference: Reference.optional(),
});

export const Address = z.looseObject({
  street_address: z.string().min(1),
  street_address2: z.string().optional(),
  postal_code: z.string().optional(),
  city: z.string().min(1),
  region: z.string().optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
});

export const Customer = z.looseObject({
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  address: Address.optional(),
});

export const ShippingType = z.enum([
  'TO_DOOR',
  'TO_CURB',
  'TO_MAILBOX',
  'PICKUP_BOX',
  'PICKUP_POINT',
  'PICKUP_STORE',
  'PICKUP_WAREHOUSE',
  'DIGITAL_EMAIL',
  'DIGITAL_DOWNLOAD',
  'DIGITAL_OTHER',
  'PHYSICAL_OTHER',
]);

export const ShippingTypeAttribute = z.enum([
  'SIGNATURE_REQUIRED',
  'IDENTIFICATION_REQUIRED',
  'CONTACTLESS_DELIVERY',
  'LEAVE_AT_DOOR',
  'LEAVE_AT_CURB',
  'LEAVE_WITH_NEIGHBOUR',
  'EXPRESS',
  'TRACKED',
  'UNTRACKED',
]);

export const Shipping = z.looseObject({
  recipient: z
    .looseObject({
      given_name: z.string().min(1),
      family_name: z.string().min(1),
      email: z.string().optional(),
      phone: z.string().optional(),
      attention: z.string().optional(),
    })
    .optional(),
  address: Address.optional(),
  shipping_option: z
    .looseObject({
      shipping_carrier: z.string().optional(),
      shipping_type: ShippingType.optional(),
      shipping_type_attributes: z.array(ShippingTypeAttribute).optional(),
    })
    .optional(),
  shipping_reference: Reference.optional(),
});

export const BillingPlan = z.looseObject({
  // The SDK types billing_amount as a string; the API type is UNSURE (reference §2.5), so accept both.
  billing_amount: z.union([SignedAmount, z.string()]).optional(),
  currency: Currency.optional(),
  from: z.string().optional(),
  interval: Interval.optional(),
  interval_frequency: z.int().min(1).optional(),
});

export const Subscription = z.looseObject({
  subscription_reference: Reference,
  name: z.string().min(1),
  free_trial: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  billing_plans: z.array(BillingPlan).optional(),
});

export const OndemandService = z.looseObject({
  average_amount: Amount.optional(),
  minimum_amount: Amount.optional(),
  maximum_amount: Amount.optional(),
  currency: Currency.optional(),
  purchase_interval: Interval.optional(),
  purchase_interval_frequency: z.int().min(1).optional(),
});

export const SupplementaryPurchaseData = z.looseObject({
  purchase_reference: Reference.optional(),
  line_items: z.array(LineItem).optional(),
  customer: Customer.optional(),
  shipping: z.array(Shipping).optional(),
  subscriptions: z.array(Subscription).optional(),
  ondemand_service: OndemandService.optional(),
});
export type SupplementaryPurchaseData = z.infer<typeof SupplementaryPurchaseData>;
