import { z } from 'zod';
import { Amount, Currency, Interval, Reference, SignedAmount } from './common.js';
import { lazily } from './lazily.js';

// Field names follow the Web SDK typings in snake_case (reference §2.5); objects stay loose so that
// fields Klarna adds later are accepted and reported as warnings rather than rejected.

export const LineItem = lazily(() =>
  z.looseObject({
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
    /** Klarna's request collection sends `reference` on some items instead of line_item_reference. */
    reference: Reference.optional(),
    line_item_metadata: z.looseObject({ categories: z.array(z.string()).optional() }).optional(),
  }),
);

export const Address = lazily(() =>
  z.looseObject({
    street_address: z.string().min(1),
    street_address2: z.string().optional(),
    postal_code: z.string().optional(),
    city: z.string().min(1),
    region: z.string().optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  }),
);

const text = lazily(() => z.string().optional());
const count = lazily(() => z.int().min(0).optional());

/** One line of a customer's purchase history (Klarna's request collection, Tokenized/Customer login use case). */
export const PurchaseHistory = lazily(() =>
  z.looseObject({
    number_of_purchases: count,
    number_of_paid_purchases: count,
    number_of_disputed_purchases: count,
    total_amount: z.int().min(0).optional(),
    currency: Currency.optional(),
    payment_method: text,
    first_purchase_at: text,
    last_purchase_at: text,
  }),
);

export const CustomerAccount = lazily(() =>
  z.looseObject({
    account_identifier: text,
    loyalty_level: text,
    created_at: text,
    updated_at: text,
    last_login: z.looseObject({ occurred_at: text, login_method: text }).optional(),
    purchase_history: z.array(PurchaseHistory).optional(),
    device_purchase_history: z.array(PurchaseHistory).optional(),
  }),
);

export const CustomerDevice = lazily(() =>
  z.looseObject({
    app_identifier: text,
    device_identifier: text,
    user_agent: text,
    ip_address: text,
    geolocation: z
      .looseObject({ country: text, latitude: z.number().optional(), longitude: z.number().optional() })
      .optional(),
  }),
);

export const Customer = lazily(() =>
  z.looseObject({
    given_name: z.string().optional(),
    family_name: z.string().optional(),
    email: z.string().optional(),
    email_last_verified_at: text,
    phone: z.string().optional(),
    phone_last_verified_at: text,
    date_of_birth: text,
    address: Address.optional(),
    customer_account: CustomerAccount.optional(),
    customer_device: CustomerDevice.optional(),
  }),
);

export const ShippingType = lazily(() =>
  z.enum([
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
  ]),
);

export const ShippingTypeAttribute = lazily(() =>
  z.enum([
    'SIGNATURE_REQUIRED',
    'IDENTIFICATION_REQUIRED',
    'CONTACTLESS_DELIVERY',
    'LEAVE_AT_DOOR',
    'LEAVE_AT_CURB',
    'LEAVE_WITH_NEIGHBOUR',
    'EXPRESS',
    'TRACKED',
    'UNTRACKED',
  ]),
);

export const Shipping = lazily(() =>
  z.looseObject({
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
  }),
);

export const BillingPlan = lazily(() =>
  z.looseObject({
    // The SDK types billing_amount as a string; the API type is UNSURE (reference §2.5), so accept both.
    billing_amount: z.union([SignedAmount.unwrap(), z.string()]).optional(),
    currency: Currency.optional(),
    from: z.string().optional(),
    interval: Interval.optional(),
    interval_frequency: z.int().min(1).optional(),
  }),
);

export const Subscription = lazily(() =>
  z.looseObject({
    subscription_reference: Reference,
    name: z.string().min(1),
    free_trial: z.enum(['ACTIVE', 'INACTIVE']).optional(),
    billing_plans: z.array(BillingPlan).optional(),
  }),
);

export const OndemandService = lazily(() =>
  z.looseObject({
    average_amount: Amount.optional(),
    minimum_amount: Amount.optional(),
    maximum_amount: Amount.optional(),
    currency: Currency.optional(),
    purchase_interval: Interval.optional(),
    purchase_interval_frequency: z.int().min(1).optional(),
  }),
);

// Industry data, as Klarna's request collection (r2512) sends it: every field optional, types as sent.
const PartialAddress = lazily(() =>
  z.looseObject({
    street_address: text,
    street_address2: text,
    postal_code: text,
    city: text,
    region: text,
    country: text,
  }),
);
const Person = lazily(() => z.looseObject({ given_name: text, family_name: text, email: text, phone: text }));

export const Insurance = lazily(() =>
  z.looseObject({
    insurance_type: text,
    insurance_company_name: text,
    price: z.int().optional(),
    currency: Currency.optional(),
  }),
);

export const EventReservation = lazily(() =>
  z.looseObject({
    event_name: text,
    event_company_name: text,
    event_type: text,
    starts_at: text,
    ends_at: text,
    venue_name: text,
    access_controlled_venue: z.boolean().optional(),
    address: PartialAddress.optional(),
    affiliate_name: text,
    insurances: z.array(Insurance).optional(),
  }),
);

export const TravelReservation = lazily(() =>
  z.looseObject({
    travel_type: text,
    reservation_reference: text,
    departure: z
      .looseObject({
        departure_location: text,
        departure_airport: text,
        departs_at: text,
        address: PartialAddress.optional(),
      })
      .optional(),
    arrival: z
      .looseObject({
        arrival_location: text,
        arrival_airport: text,
        arrives_at: text,
        address: PartialAddress.optional(),
      })
      .optional(),
    carrier_name: text,
    price: z.int().optional(),
    currency: Currency.optional(),
    ticket_class: text,
    passengers: z.array(Person).optional(),
    insurances: z.array(Insurance).optional(),
    affiliate_name: text,
  }),
);

export const LodgingReservation = lazily(() =>
  z.looseObject({
    lodging_name: text,
    address: PartialAddress.optional(),
    starts_at: text,
    ends_at: text,
    number_of_spaces: count,
    price: z.int().optional(),
    currency: Currency.optional(),
    lodging_type: text,
    guests: z.array(Person).optional(),
    hosts: z
      .looseObject({
        host_reference: text,
        host_type: text,
        country_of_domicile: text,
        registered_at: text,
        number_of_reservations: count,
      })
      .optional(),
    insurances: z.array(Insurance).optional(),
    affiliate_name: text,
  }),
);

export const Voucher = lazily(() =>
  z.looseObject({
    voucher_name: text,
    voucher_type: text,
    voucher_company: text,
    starts_at: text,
    ends_at: text,
    affiliate_name: text,
  }),
);

export const MarketplaceSeller = lazily(() =>
  z.looseObject({
    marketplace_seller_reference: text,
    marketplace_seller_name: text,
    marketplace_seller_address: PartialAddress.optional(),
    product_category: text,
    line_item_references: z.array(z.string()).optional(),
    seller_registered_at: text,
    seller_updated_at: text,
    seller_last_login_at: text,
    shipping_references: z.array(z.string()).optional(),
    seller_rating: text,
    number_of_transactions: count,
    volume_of_transactions: z.int().min(0).optional(),
  }),
);

export const SupplementaryPurchaseData = lazily(() =>
  z.looseObject({
    purchase_reference: Reference.optional(),
    line_items: z.array(LineItem).optional(),
    customer: Customer.optional(),
    shipping: z.array(Shipping).optional(),
    subscriptions: z.array(Subscription).optional(),
    ondemand_service: OndemandService.optional(),
    event_reservations: z.array(EventReservation).optional(),
    travel_reservations: z.array(TravelReservation).optional(),
    lodging_reservations: z.array(LodgingReservation).optional(),
    insurances: z.array(Insurance).optional(),
    vouchers: z.array(Voucher).optional(),
    marketplace_sellers: z.array(MarketplaceSeller).optional(),
    /** Serialized JSON (Klarna's legacy EMD, `application/vnd.klarna.internal.emd-v2+json`). */
    additional_data: z
      .string()
      .max(256 * 1024)
      .optional(),
  }),
);
export type SupplementaryPurchaseData = z.infer<typeof SupplementaryPurchaseData>;
